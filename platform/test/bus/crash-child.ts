import { BUS_TOPICS } from '../../../contracts/src/index.js';
import { InProcessBus, KafkaBus, type Bus } from '../../src/bus/index.js';
import { createLogger } from '../../src/logger.js';
import { telemetry } from './records.js';
import type { CrashChildBus, CrashPlan } from './crash-harness.js';

/**
 * The process crash-harness.ts kills: publishes, handles as group `crash` without ever committing
 * (commits are an hour apart), reports on stdout, then says `ready` and waits for SIGKILL.
 */
const { bus: spec, plan } = JSON.parse(process.argv[2]) as { bus: CrashChildBus; plan: CrashPlan };
const HOUR_MS = 3_600_000;
const logger = createLogger('crash-child', 'silent');

const bus: Bus =
  spec.kind === 'embedded'
    ? new InProcessBus({ directory: spec.directory, offsetSaveMs: HOUR_MS, logger })
    : await KafkaBus.connect({ brokers: spec.brokers, clientId: 'crash-child', topicPrefix: spec.topicPrefix, commitIntervalMs: HOUR_MS, sessionTimeoutMs: 6_000, logger });

await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], plan.handle));
let handled = 0;
await bus.consume(BUS_TOPICS.telemetry, { groupId: 'crash', fromBeginning: true }, async (records) => {
  handled += records.length;
  process.stdout.write(`handled ${handled}\n`);
});
for (let i = 0; i < plan.publish; i++) {
  await bus.publish(BUS_TOPICS.telemetry, telemetry(['air-1'], 1, plan.handle + i));
  process.stdout.write(`published ${i + 1}\n`);
}
while (handled < plan.handle) await new Promise((resolve) => setTimeout(resolve, 20));
process.stdout.write('ready\n');
setInterval(() => undefined, HOUR_MS);
