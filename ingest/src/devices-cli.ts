import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { handleCommandLine } from '../../platform/src/index.js';
import { DeviceRegistry } from './device-registry.js';

const USAGE = `Usage: npm run devices -- add|revoke <deviceId> | list

The devices that log in to the embedded broker (npm start) each with its own identity, kept in
devices.json (mode 0600) of the data directory, IOC_DATA_DIR (.data by default). A registered
device logs in with its device id as username and its secret as password, and may publish only
on ioc/{domain}/{siteId}/{deviceId}/telemetry (cameras: .../event). A running broker sees a new
device at its first login.

  add <deviceId>      makes a new secret and prints it once (adding again rotates it)
  revoke <deviceId>   removes the device: its next login is refused
  list                the registered devices and when each was provisioned
`;

handleCommandLine(process.argv, USAGE, { takesOptions: true });
const [command, deviceId] = process.argv.slice(2);
const dataDir = resolve(process.env.IOC_DATA_DIR ?? '.data');
await mkdir(dataDir, { recursive: true, mode: 0o700 });
const registry = await DeviceRegistry.open(join(dataDir, 'devices.json'));

if (command === 'add' && deviceId) {
  const secret = await registry.provision(deviceId);
  process.stdout.write(`device ${deviceId}\n  username ${deviceId}\n  password ${secret}   (shown only now; add again to rotate)\n`);
} else if (command === 'revoke' && deviceId) {
  process.stdout.write((await registry.revoke(deviceId)) ? `device ${deviceId} revoked\n` : `device ${deviceId} was not registered\n`);
} else if (command === 'list' && !deviceId) {
  for (const device of registry.list()) process.stdout.write(`${device.deviceId}\t${new Date(device.provisionedAt).toISOString()}\n`);
} else {
  process.stderr.write(USAGE);
  process.exitCode = 2;
}
