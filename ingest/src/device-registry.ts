import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { IdentifierSchema } from '../../contracts/src/index.js';
import { ingestError } from './errors.js';

/** One device's login to the embedded broker: its id is its username; only a hash of its secret is kept. */
const DeviceCredentialSchema = z.strictObject({
  deviceId: IdentifierSchema,
  /** SHA-256 of the secret, hex. The secret is 24 random bytes, so a fast hash is enough. */
  secretSha256: z.string().regex(/^[0-9a-f]{64}$/),
  provisionedAt: z.number().int(),
});
const RegistryFileSchema = z.strictObject({ devices: z.array(DeviceCredentialSchema) });

export type DeviceCredential = z.infer<typeof DeviceCredentialSchema>;

/** What the broker asks of the registry when a client logs in. */
export interface DeviceLogins {
  /** Whether `secret` is the device's current secret. */
  verify(deviceId: string, secret: string): Promise<boolean>;
}

/** A file read again at most this often when a login names a device it does not know. */
const RELOAD_INTERVAL_MS = 1000;

/**
 * The devices that may log in to the embedded broker each with its own identity, kept in one JSON
 * file (mode 0600) of the data directory. Provisioning makes a secret, shows it once and keeps
 * its hash; provisioning again rotates it; revoking removes the device. A running broker sees
 * devices provisioned from another process (the `devices` command) at their first login, reading the file again at most once a second.
 */
export class DeviceRegistry implements DeviceLogins {
  private devices = new Map<string, DeviceCredential>();
  private loadedMtimeMs = -1;
  private checkedAt = 0;

  private constructor(readonly file: string) {}

  /** Opens the registry, creating nothing until a device is provisioned; a damaged file stops here with its reason. */
  static async open(file: string): Promise<DeviceRegistry> {
    const registry = new DeviceRegistry(file);
    await registry.reload();
    return registry;
  }

  list(): DeviceCredential[] {
    return [...this.devices.values()];
  }

  /** Makes (or replaces) the device's secret and returns it: it is not kept and cannot be shown again. */
  async provision(deviceId: string, now = Date.now()): Promise<string> {
    const parsed = IdentifierSchema.safeParse(deviceId);
    if (!parsed.success) throw ingestError('IOC_DEVICE_ID_INVALID', [deviceId, parsed.error.issues[0].message]);
    const id = parsed.data;
    await this.reload();
    const secret = randomBytes(24).toString('base64url');
    this.devices.set(id, { deviceId: id, secretSha256: sha256(secret).toString('hex'), provisionedAt: now });
    await this.save();
    return secret;
  }

  /** Removes the device; its next login is refused. Whether it was there. */
  async revoke(deviceId: string): Promise<boolean> {
    await this.reload();
    const removed = this.devices.delete(deviceId);
    if (removed) await this.save();
    return removed;
  }

  async verify(deviceId: string, secret: string): Promise<boolean> {
    if (!this.devices.has(deviceId) && Date.now() - this.checkedAt >= RELOAD_INTERVAL_MS) await this.reload();
    const device = this.devices.get(deviceId);
    return device !== undefined && timingSafeEqual(sha256(secret), Buffer.from(device.secretSha256, 'hex'));
  }

  private async reload(): Promise<void> {
    this.checkedAt = Date.now();
    const mtimeMs = await stat(this.file).then(
      (info) => info.mtimeMs,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return -1;
        throw ingestError('IOC_DEVICE_REGISTRY_UNREADABLE', [this.file, error.message], { cause: error });
      },
    );
    if (mtimeMs === this.loadedMtimeMs) return;
    if (mtimeMs === -1) {
      this.devices = new Map();
    } else {
      let parsed: z.infer<typeof RegistryFileSchema>;
      try {
        parsed = RegistryFileSchema.parse(JSON.parse(await readFile(this.file, 'utf8')));
      } catch (error) {
        throw ingestError('IOC_DEVICE_REGISTRY_UNREADABLE', [this.file, (error as Error).message], { cause: error });
      }
      this.devices = new Map(parsed.devices.map((device) => [device.deviceId, device]));
    }
    this.loadedMtimeMs = mtimeMs;
  }

  private async save(): Promise<void> {
    // Written whole to a temporary file and renamed, so a crash never leaves half a registry.
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify({ devices: this.list() }, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.file);
    this.loadedMtimeMs = (await stat(this.file)).mtimeMs;
  }
}

function sha256(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
