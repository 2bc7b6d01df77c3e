import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../test-support/chromium.js';
import { cityEnvironment, startCityProcess, type CityProcess } from './support/city-process.js';
import { publishAirReadings, type AirStation } from './support/devices.js';

/**
 * An operator's open dashboard page across restarts of `npm start` on the same data directory and
 * port, once with Ctrl+C and once with SIGKILL: the page reconnects by itself, keeps its session
 * (no login form) and shows the same alerts, the acknowledged one with its comment. Screenshots
 * go to the temporary folder.
 */
const STATIONS: AirStation[] = [
  { deviceId: 'aq-reconnect-01', siteId: 'hn-hoankiem-aq', ward: 'Phường Hoàn Kiếm' },
  { deviceId: 'aq-reconnect-02', siteId: 'hn-badinh-aq', ward: 'Phường Ba Đình' },
];
const COMMENT = 'Đã báo đội hiện trường / field team informed';
let dataDir: string;
let environment: Record<string, string>;
let city: CityProcess | undefined;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ioc-reconnect-'));
  environment = await cityEnvironment(dataDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await city?.kill();
  await rm(dataDir, { recursive: true, force: true });
});

const shownAlerts = () =>
  page.$$eval('[data-alert-id]', (cards) => cards.map((card) => `${(card as HTMLElement).dataset.alertId} ${(card as HTMLElement).dataset.state}`).sort());

/** PM2.5 at 300 µg/m³ for seven minutes: past the 5-minute hold of the default rule, so each station raises a critical alert. */
async function pollute(station: AirStation) {
  const start = Date.now() - 7 * 60_000;
  const readings = Array.from({ length: 8 }, (_, minute) => ({ ts: start + minute * 60_000, seq: minute + 1, pm25: 300 }));
  await publishAirReadings(city!.banner.mqttUrl, city!.banner.devicePassword!, station, readings);
}

describe('an open dashboard page when npm start restarts', () => {
  let before: string[] = [];

  it('logs in, sees two stations alert and acknowledges one', async () => {
    city = await startCityProcess(environment);
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(city.banner.dashboardUrl);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', city.banner.adminPassword!);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('.connection[data-state=live]');

    for (const station of STATIONS) await pollute(station);
    await expect.poll(async () => (await shownAlerts()).length, { timeout: 30_000 }).toBe(2);
    const card = page.locator('[data-alert-id]').first();
    await card.locator('[data-action=acknowledge]').click();
    await page.fill('#action-form textarea[name=comment]', COMMENT);
    await page.click('#action-confirm');
    await expect.poll(() => card.getAttribute('data-state')).toBe('acknowledged');
    before = await shownAlerts();
    expect(before.map((entry) => entry.split(' ')[1]).sort()).toEqual(['acknowledged', 'open']);
  }, 150_000);

  for (const how of ['Ctrl+C', 'SIGKILL'] as const) {
    it(`after ${how}: reconnects by itself with the same session and shows the same alerts`, async () => {
      // The page highlights a new alert for 15 s; let that pass, so a highlight after the restart is a new announcement.
      await page.locator('.alert.is-new').first().waitFor({ state: 'detached', timeout: 20_000 });
      if (how === 'Ctrl+C') expect(await city!.stop()).toBe(0);
      else await city!.kill();
      await page.waitForSelector('.connection[data-state=offline]', { timeout: 10_000 });

      city = await startCityProcess(environment);
      const restarted = Date.now();
      await page.waitForSelector('.connection[data-state=live]', { timeout: 60_000 });
      const reconnectedMs = Date.now() - restarted;

      expect(await page.isVisible('#login-view')).toBe(false);
      expect(await page.textContent('#user-name')).toBe('admin');
      await expect.poll(shownAlerts, { timeout: 10_000 }).toEqual(before);
      // Alerts the operator already saw are not announced again (no highlight, no chime).
      expect(await page.locator('.alert.is-new').count()).toBe(0);
      expect(await page.textContent('.alert.state-acknowledged')).toContain(COMMENT);
      const screenshot = join(tmpdir(), `ioc-reconnect-after-${how === 'Ctrl+C' ? 'stop' : 'kill'}.png`);
      await page.screenshot({ path: screenshot });
      process.stdout.write(`after ${how}: live again ${reconnectedMs} ms after the banner; screenshot ${screenshot}\n`);
      expect(pageErrors).toEqual([]);
    }, 150_000);
  }
});
