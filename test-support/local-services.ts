import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunningServices, ServiceName, Services } from './services.js';
import { storeFlavour } from './store-query.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT_NAMES: Record<ServiceName, string> = { kafka: 'kafka', mosquitto: 'mosquitto', influx: 'victoria-metrics' };

/**
 * Starts the local services with scripts/services/up.sh (installing them the first time) and reads
 * the endpoints from the `export VAR=value` lines it prints. Services that were already running
 * are reused and left running; the others are stopped again by stop(), unless IOC_KEEP_SERVICES
 * is set (handy when running integration tests repeatedly).
 */
export async function startLocalServices(names: readonly ServiceName[], log: (message: string) => void): Promise<RunningServices> {
  const scriptNames = names.map((name) => SCRIPT_NAMES[name]);
  const runningBefore = await runningServices();
  const { stdout } = await run('bash', ['scripts/services/up.sh'], {
    cwd: root,
    env: { ...process.env, IOC_SERVICES: scriptNames.join(' ') },
    timeout: 15 * 60_000,
    maxBuffer: 1 << 20,
  });
  const exported = parseExports(stdout);
  const found: Partial<Services> = {};
  if (names.includes('kafka')) found.kafkaBrokers = required(exported, 'KAFKA_BROKERS').split(',');
  if (names.includes('mosquitto')) found.mqttUrl = required(exported, 'MQTT_URL');
  if (names.includes('influx')) {
    const url = required(exported, 'INFLUX_URL');
    found.influx = {
      url,
      token: exported.INFLUX_TOKEN ?? '',
      org: exported.INFLUX_ORG ?? 'ioc',
      bucket: exported.INFLUX_BUCKET ?? 'ioc',
      flavour: await storeFlavour(url),
    };
  }
  const startedHere = scriptNames.filter((name) => !runningBefore.has(name));
  return {
    found,
    stop: async () => {
      if (startedHere.length === 0 || process.env.IOC_KEEP_SERVICES) return;
      log(`stopping local services this run started: ${startedHere.join(', ')}`);
      for (const name of startedHere) await run('bash', ['scripts/services/ctl.sh', 'stop', name], { cwd: root, timeout: 60_000 });
    },
  };
}

/** `export NAME=value` lines; values the script quotes with printf %q are not ones we read. */
export function parseExports(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of text.matchAll(/^export ([A-Z_][A-Z0-9_]*)=(.*)$/gm)) result[match[1]] = match[2];
  return result;
}

function required(exported: Record<string, string>, name: string): string {
  const value = exported[name];
  if (!value) throw new Error(`scripts/services/up.sh printed no ${name}; run it by hand to see why`);
  return value;
}

async function runningServices(): Promise<Set<string>> {
  const { stdout } = await run('bash', ['scripts/services/ctl.sh', 'status'], { cwd: root, timeout: 30_000 });
  return new Set([...stdout.matchAll(/^(\S+) running/gm)].map((match) => match[1]));
}
