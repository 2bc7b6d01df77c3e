import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUS_TOPICS } from '../../contracts/src/index.js';
import { launchChromium } from '../../test-support/chromium.js';
import { makeAlert, makeReading } from './support/fixtures.js';
import { ADMIN_PASSWORD, OPERATOR, startTestDashboard, type TestDashboard } from './support/test-dashboard.js';

let browser: Browser;
let test: TestDashboard;
beforeAll(async () => {
  browser = await launchChromium();
  test = await startTestDashboard({ live: { stationFlushMs: 100 } });
});
afterAll(async () => {
  await browser?.close();
  await test?.close();
});

describe('dashboard page in Chromium', () => {
  it('logs in, shows a pushed alert, acknowledges it with a comment and records who did it', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const pageErrors: string[] = [];
    const failedRequests: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    await page.goto(test.url);

    await page.fill('input[name=username]', OPERATOR.username);
    await page.fill('input[name=password]', 'wrong password');
    await page.click('#login-form button[type=submit]');
    await expect.poll(() => page.textContent('#login-error')).toContain('Wrong username or password');

    await page.fill('input[name=password]', OPERATOR.password);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('.connection[data-state=live]');
    expect(await page.textContent('#user-name')).toBe(OPERATOR.username);

    // Device-provided text is shown as text, never run as markup.
    const alert = makeAlert({
      deviceId: 'browser-1',
      severity: 'critical',
      message: { vi: 'PM2.5 vượt ngưỡng <img src=x onerror="window.pwned=1">', en: 'PM2.5 above the limit' },
    });
    await test.bus.publish(BUS_TOPICS.alerts, [{ key: alert.key, value: alert }]);
    await test.bus.publish(BUS_TOPICS.telemetry, [{ key: 'hk-air-01', value: makeReading({ metrics: { pm25: 182.4 } }) }]);
    const card = page.locator(`[data-alert-id="${alert.id}"]`);
    await card.waitFor();
    expect(await card.getAttribute('class')).toContain('sev-critical');
    expect(await card.getAttribute('data-state')).toBe('open');
    expect(await card.locator('.message-vi').textContent()).toBe(alert.message.vi);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await expect.poll(() => page.textContent('#count-open')).toBe('1');
    await page.locator('[data-site-id="HN-AIR-HK01"]').waitFor();
    expect(await page.textContent('[data-site-id="HN-AIR-HK01"]')).toContain('182,4');

    await card.locator('[data-action=acknowledge]').click();
    await page.locator('#action-dialog').waitFor();
    await page.click('#action-confirm');
    expect(await page.textContent('#action-error')).toContain('comment is required');
    await page.fill('#action-form textarea[name=comment]', 'Đã cử đội kiểm tra trạm Hoàn Kiếm');
    await page.click('#action-confirm');

    await expect.poll(() => card.getAttribute('data-state')).toBe('acknowledged');
    expect(await card.textContent()).toContain('Đã cử đội kiểm tra trạm Hoàn Kiếm');
    expect(await page.textContent('#count-open')).toBe('0');
    expect(await card.locator('[data-action=acknowledge]').count()).toBe(0);

    const entries = await test.auditEntries();
    const acknowledgement = entries.find((entry) => entry.action === 'alert.acknowledge');
    expect(acknowledgement).toMatchObject({ actor: OPERATOR.username, role: 'operator', target: alert.id, comment: 'Đã cử đội kiểm tra trạm Hoàn Kiếm' });
    expect(pageErrors).toEqual([]);
    expect(failedRequests).toEqual(['401 /api/login']);
  });
});

async function adminCall(path: string, method: string, body?: unknown) {
  const token = await test.login('admin', ADMIN_PASSWORD);
  const response = await fetch(`${test.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.ok).toBe(true);
}

async function logIn(page: Page, username: string, password: string) {
  await page.goto(test.url);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('.connection[data-state=live]');
}

describe('accounts in the page', () => {
  it('lets an admin add, change, disable and delete a user in the Users panel, and says why a refusal happened', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await logIn(page, 'admin', ADMIN_PASSWORD);
    await page.click('#users-open');
    const configured = page.locator('#users-list tr[data-username="lan.nguyen"]');
    await configured.waitFor();
    expect(await configured.locator('select').isDisabled()).toBe(true);
    expect(await configured.textContent()).toContain('IOC_USERS');

    await page.fill('#create-user-form input[name=username]', 'hoa.le');
    await page.fill('#create-user-form input[name=password]', 'hoa-password-123');
    await page.selectOption('#create-user-form select[name=role]', 'environment-admin');
    await page.click('#create-user-form button[type=submit]');
    const row = page.locator('#users-list tr[data-username="hoa.le"]');
    await row.waitFor();
    expect(await row.locator('select').inputValue()).toBe('environment-admin');

    await row.locator('select').selectOption('engineer');
    await row.locator('[data-action=disable]').click();
    await expect.poll(() => row.getAttribute('data-disabled')).toBe('true');
    expect(await row.locator('select').inputValue()).toBe('engineer');
    const login = await fetch(`${test.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'hoa.le', password: 'hoa-password-123' }),
    });
    expect((await login.json()).code).toBe('IOC_ACCOUNT_DISABLED');

    // The only admin cannot lock themself out; the panel shows the server's reason.
    await page.locator('#users-list tr[data-username="admin"] [data-action=disable]').click();
    await expect.poll(() => page.textContent('#users-error')).toContain('last enabled admin');

    await row.locator('[data-action=reset]').click();
    await page.fill('#reset-form input[name=password]', 'short');
    await page.click('#reset-form button[type=submit]');
    await expect.poll(() => page.textContent('#users-error')).toContain('password: use at least 12 characters');
    await page.fill('#reset-form input[name=password]', 'a-new-password-for-hoa');
    await page.click('#reset-form button[type=submit]');
    await expect.poll(() => page.isHidden('#reset-form')).toBe(true);

    await row.locator('[data-action=delete]').click();
    expect(await row.locator('[data-action=delete]').textContent()).toContain('Xác nhận xóa?');
    await row.locator('[data-action=delete]').click();
    await row.waitFor({ state: 'detached' });

    const actions = (await test.auditEntries())
      .filter((entry) => entry.target === 'hoa.le' && entry.actor === 'admin')
      .map((entry) => entry.action);
    expect(actions).toEqual(['user.create', 'user.role-change', 'user.disable', 'user.password-reset', 'user.delete']);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('lets a user change their own password and stay live, and shows the login form with the reason once disabled', async () => {
    await adminCall('/api/users', 'POST', { username: 'tuan.vo', password: 'tuan-password-123', role: 'operator' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await logIn(page, 'tuan.vo', 'tuan-password-123');
    expect(await page.isHidden('#users-open')).toBe(true);

    await page.click('#password-open');
    await page.fill('#password-form input[name=currentPassword]', 'not-my-password');
    await page.fill('#password-form input[name=newPassword]', 'tuan-new-password-1');
    await page.click('#password-confirm');
    await expect.poll(() => page.textContent('#password-error')).toContain('current password is wrong');
    await page.fill('#password-form input[name=currentPassword]', 'tuan-password-123');
    await page.click('#password-confirm');
    await expect.poll(() => page.isHidden('#password-dialog')).toBe(true);

    // The old session's live connection was ended; the page reconnected with its new token.
    const alert = makeAlert({ deviceId: 'after-password-change' });
    await test.bus.publish(BUS_TOPICS.alerts, [{ key: alert.key, value: alert }]);
    await page.locator(`[data-alert-id="${alert.id}"]`).waitFor({ timeout: 10_000 });
    expect(await page.isVisible('#app-view')).toBe(true);

    await adminCall('/api/users/tuan.vo/disable', 'POST');
    await page.locator('#login-view').waitFor();
    expect(await page.textContent('#login-error')).toContain('Your account is disabled');
    await page.close();
  });
});

describe('reconnecting', () => {
  it('shows the connection lost, reconnects to a restarted dashboard and takes its fresh snapshot', async () => {
    // A restarted dashboard keeps its record; with the shared secret, the session stays valid.
    const accounts = await mkdtemp(join(tmpdir(), 'ioc-accounts-'));
    const database = { file: join(accounts, 'ioc.sqlite') };
    const first = await startTestDashboard({ database });
    const page = await browser.newPage();
    await page.goto(first.url);
    await page.fill('input[name=username]', OPERATOR.username);
    await page.fill('input[name=password]', OPERATOR.password);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('.connection[data-state=live]');

    await first.close();
    await page.waitForSelector('.connection[data-state=offline]');

    const alert = makeAlert({ deviceId: 'after-restart' });
    const second = await startTestDashboard({ database }, first.port);
    try {
      await second.bus.publish(BUS_TOPICS.alerts, [{ key: alert.key, value: alert }]);
      // Back-off starts at about a second.
      await page.locator(`[data-alert-id="${alert.id}"]`).waitFor({ timeout: 10_000 });
      expect(await page.getAttribute('.connection', 'data-state')).toBe('live');
    } finally {
      await second.close();
      await rm(accounts, { recursive: true, force: true });
    }
  });
});
