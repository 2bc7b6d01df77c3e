import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DeviceRegistry } from '../src/device-registry.js';

const directories: string[] = [];
afterEach(async () => {
  for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
});

async function registryFile(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'ioc-devices-'));
  directories.push(directory);
  return join(directory, 'devices.json');
}

describe('device registry', () => {
  test('a provisioned device logs in with its secret only; the file keeps a hash, owner-only', async () => {
    const file = await registryFile();
    const registry = await DeviceRegistry.open(file);
    const secret = await registry.provision('aq-hk-01');

    expect(await registry.verify('aq-hk-01', secret)).toBe(true);
    expect(await registry.verify('aq-hk-01', `${secret}x`)).toBe(false);
    expect(await registry.verify('aq-hk-02', secret)).toBe(false);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).not.toContain(secret);
  });

  test('provisioning again rotates the secret; revoking refuses the device', async () => {
    const registry = await DeviceRegistry.open(await registryFile());
    const first = await registry.provision('lamp-01');
    const second = await registry.provision('lamp-01');
    expect(await registry.verify('lamp-01', first)).toBe(false);
    expect(await registry.verify('lamp-01', second)).toBe(true);
    expect(await registry.revoke('lamp-01')).toBe(true);
    expect(await registry.verify('lamp-01', second)).toBe(false);
    expect(registry.list()).toEqual([]);
  });

  test('a running registry sees a device provisioned by another process at its first login a second later', async () => {
    const file = await registryFile();
    const running = await DeviceRegistry.open(file);
    const secret = await (await DeviceRegistry.open(file)).provision('rain-07');
    // The file is read again at most once a second, so a flood of unknown logins costs no I/O.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await running.verify('rain-07', secret)).toBe(true);
  });

  test('a damaged file and a bad device id are refused with their codes', async () => {
    const file = await registryFile();
    await writeFile(file, '{"devices": [{"deviceId": "x"}]}');
    await expect(DeviceRegistry.open(file)).rejects.toMatchObject({ code: 'IOC_DEVICE_REGISTRY_UNREADABLE' });
    const registry = await DeviceRegistry.open(await registryFile());
    await expect(registry.provision('ioc/#')).rejects.toMatchObject({ code: 'IOC_DEVICE_ID_INVALID' });
  });
});
