import { runCommand } from '../../platform/src/index.js';
import { helpText, parseCommandLine } from './command-line.js';
import { createFleet } from './fleet.js';
import { formatLocal } from '../../contracts/src/index.js';
import type { SimulationOptions } from './options.js';
import { findProvince, type Province } from './provinces.js';
import { startSimulation, type SimulationStats, type SimulationSummary } from './simulation.js';

/** `npm run simulate -- --help`: runs device fleets against an MQTT broker until stopped. */
async function main(argv: string[]): Promise<number> {
  const command = parseCommandLine(argv, process.env);
  if (command.action === 'help') {
    process.stdout.write(helpText());
    return 0;
  }
  if (command.action === 'list-devices') {
    listDevices(command.options);
    return 0;
  }

  const simulation = await startSimulation(command.options);
  const { plan } = simulation;
  process.stderr.write(
    `Simulating ${plan.devices.length} devices in ${plan.province.name} → ${plan.options.url}: ` +
      `a reading per device every ${Number((plan.intervalMs / 1000).toPrecision(3))} s (${round((plan.devices.length * 1000) / plan.intervalMs)} msg/s), ` +
      `clock ×${plan.options.speed} from ${formatLocal(plan.simStart)} (UTC+7), seed ${plan.options.seed}` +
      `${plan.scenario ? `, ${plan.scenario.name} at ${plan.scenario.deviceId}` : ''}. Ctrl+C stops.\n`,
  );

  const live = process.stderr.isTTY;
  const status = live ? setInterval(() => process.stderr.write(`\r\x1b[2K${statusLine(simulation.stats())}`), 1000) : undefined;
  let signals = 0;
  const onSignal = () => {
    // A second Ctrl+C means "now", even if the broker is still acknowledging.
    if (++signals > 1) process.exit(130);
    void simulation.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const summary = await simulation.finished;
  clearInterval(status);
  if (live) process.stderr.write('\r\x1b[2K');
  process.stdout.write(summaryText(summary));
  return summary.failed > 0 ? 1 : 0;
}

function statusLine(stats: SimulationStats): string {
  const faults = Object.values(stats.byFault).reduce((a, b) => a + b, 0);
  return (
    `sent ${stats.published} (${round(stats.messagesPerSecond)} msg/s), acked ${stats.acknowledged}, faults ${faults}, ` +
    `simulated ${formatLocal(stats.simulatedTime)}` +
    `${stats.connected ? '' : ', reconnecting…'}${stats.lagSeconds > 2 ? `, ${round(stats.lagSeconds)} s behind` : ''}`
  );
}

function summaryText(s: SimulationSummary): string {
  const list = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  return [
    `Stopped (${s.stoppedBecause}) after ${round(s.elapsedSeconds)} s: published ${s.published} messages (${round(s.messagesPerSecond)} msg/s), acknowledged ${s.acknowledged}, failed ${s.failed}.`,
    `  by kind: ${list(s.byKind)}`,
    `  faults: ${list(s.byFault)}; silent slots skipped ${s.silentSkips}`,
    `  simulated clock reached ${formatLocal(s.simulatedTime)} (UTC+7)`,
    '',
  ].join('\n');
}

function listDevices(options: SimulationOptions): void {
  const devices = createFleet(options.fleet, findProvince(options.province) as Province);
  const rows = devices.map((d) => [d.deviceId, d.kind, d.siteId, d.ward, d.siteName]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]) : cell)).join('  ')}\n`);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

runCommand(() => main(process.argv.slice(2)));
