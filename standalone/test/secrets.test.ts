import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSecrets } from '../src/secrets.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ioc-secrets-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('secrets kept in the data directory', () => {
  it('generates the device password and token key at the first start, owner-only, and gives the same ones after', async () => {
    const first = await openSecrets(dataDir, () => 1_800_000_000_000);
    expect(first.created).toBe(true);
    expect(first.secrets.devicePassword.length).toBeGreaterThanOrEqual(16);
    expect(first.secrets.tokenSecret.length).toBeGreaterThanOrEqual(32);
    expect(await modeOf(first.path)).toBe(0o600);

    const again = await openSecrets(dataDir);
    expect(again.created).toBe(false);
    expect(again.secrets).toEqual(first.secrets);
    expect(again.secrets.createdAt).toBe(1_800_000_000_000);
    expect(again.tightenedFrom).toBeUndefined();
  });

  it('two starts racing on an empty directory end up with one set of secrets', async () => {
    const [a, b] = await Promise.all([openSecrets(dataDir), openSecrets(dataDir)]);
    expect(a.secrets).toEqual(b.secrets);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(JSON.parse(await readFile(a.path, 'utf8'))).toEqual(a.secrets);
  });

  it('restricts a file others may read to 0600 and says what it was', async () => {
    const { path, secrets } = await openSecrets(dataDir);
    await chmod(path, 0o644);
    const reopened = await openSecrets(dataDir);
    expect(reopened.tightenedFrom).toBe(0o644);
    expect(reopened.secrets).toEqual(secrets);
    expect(await modeOf(path)).toBe(0o600);
  });

  it('refuses a damaged file with a code instead of replacing it', async () => {
    const path = join(dataDir, 'secrets.json');
    await writeFile(path, '{"version":1,"devicePassword":"short"', { mode: 0o600 });
    await expect(openSecrets(dataDir)).rejects.toMatchObject({ code: 'IOC_SECRETS_INVALID', message: expect.stringContaining(path) });
    await writeFile(path, JSON.stringify({ version: 1, devicePassword: 'short', tokenSecret: 'x'.repeat(40), createdAt: 1 }));
    await expect(openSecrets(dataDir)).rejects.toMatchObject({ code: 'IOC_SECRETS_INVALID', message: expect.stringContaining('devicePassword') });
    expect(await readFile(path, 'utf8')).toContain('"short"');
  });

  it('refuses secrets it cannot read with a code', async () => {
    await mkdir(join(dataDir, 'secrets.json'));
    await expect(openSecrets(dataDir)).rejects.toMatchObject({ code: 'IOC_SECRETS_UNREADABLE' });
  });
});
