import { performance } from 'node:perf_hooks';
import type { DeviceKind } from '../../contracts/src/index.js';
import type { FaultKind } from './faults.js';
import { MqttPublisher } from './mqtt-publisher.js';
import { planSimulation, type SimulationPlan, type Slot } from './plan.js';
import type { SimulationOptionsInput } from './options.js';

export interface SimulationStats {
  /** Messages handed to the broker connection. */
  published: number;
  /** Messages the broker acknowledged (QoS 1 PUBACK). */
  acknowledged: number;
  /** Messages that failed to publish. */
  failed: number;
  /** Reading slots skipped because the device was silent. */
  silentSkips: number;
  byKind: Partial<Record<DeviceKind, number>>;
  /** Published messages carrying each injected fault. */
  byFault: Partial<Record<FaultKind, number>>;
  elapsedSeconds: number;
  /** Published messages per real second since the start. */
  messagesPerSecond: number;
  /** The simulated clock: time of the latest reading, epoch ms. */
  simulatedTime: number;
  connected: boolean;
  /** How far publishing runs behind schedule, seconds (the broker is slow or gone). */
  lagSeconds: number;
}

export interface SimulationSummary extends SimulationStats {
  stoppedBecause: 'duration' | 'messages' | 'stopped';
}

export interface Simulation {
  plan: SimulationPlan;
  stats(): SimulationStats;
  /** Stops publishing, waits briefly for acknowledgements, disconnects. */
  stop(): Promise<SimulationSummary>;
  /** Settles when the run ends, by `duration`, `messages` or `stop()`. */
  finished: Promise<SimulationSummary>;
}

/** Unacknowledged messages allowed before the runner waits for the broker. */
const MAX_IN_FLIGHT = 1000;
/** Messages sent per timer tick at most, so timers and acknowledgements get their turn. */
const MAX_PER_TICK = 2000;
/** How long stopping waits for outstanding acknowledgements. */
const DRAIN_TIMEOUT_MS = 5000;

/**
 * Connects to the broker and publishes the plan's readings on schedule until `duration` or
 * `messages` is reached or `stop()` is called. Throws IOC_SIMULATOR_OPTIONS_INVALID or
 * IOC_MQTT_UNREACHABLE before anything is published.
 */
export async function startSimulation(input: SimulationOptionsInput): Promise<Simulation> {
  const plan = planSimulation(input);
  const { options } = plan;
  const publisher = await MqttPublisher.connect(options);
  const slots = plan.slots();
  const started = performance.now();
  const counts = { published: 0, acknowledged: 0, failed: 0, silentSkips: 0 };
  const byKind: SimulationStats['byKind'] = {};
  const byFault: SimulationStats['byFault'] = {};
  let next: Slot = slots.next().value;
  let simulatedTime = plan.simStart;
  let timer: NodeJS.Timeout | undefined;
  let ending: Promise<SimulationSummary> | undefined;
  let resolveFinished!: (summary: SimulationSummary) => void;
  const finished = new Promise<SimulationSummary>((resolve) => (resolveFinished = resolve));

  const elapsedMs = () => performance.now() - started;
  const stats = (): SimulationStats => {
    const elapsedSeconds = elapsedMs() / 1000;
    return {
      ...counts,
      byKind: { ...byKind },
      byFault: { ...byFault },
      elapsedSeconds,
      messagesPerSecond: elapsedSeconds > 0 ? counts.published / elapsedSeconds : 0,
      simulatedTime,
      connected: publisher.connected,
      lagSeconds: Math.max(0, (elapsedMs() - next.dueMs) / 1000),
    };
  };

  const send = (slot: Slot) => {
    simulatedTime = slot.time;
    const message = slot.message;
    if (!message) {
      counts.silentSkips++;
      return;
    }
    counts.published++;
    byKind[message.kind] = (byKind[message.kind] ?? 0) + 1;
    for (const fault of message.faults) byFault[fault] = (byFault[fault] ?? 0) + 1;
    publisher.publish(message.topic, message.payload).then(
      () => counts.acknowledged++,
      () => counts.failed++,
    );
  };

  const pump = () => {
    timer = undefined;
    if (ending) return;
    const now = elapsedMs();
    const untilEnd = options.duration !== undefined ? options.duration * 1000 - now : Infinity;
    if (untilEnd <= 0) {
      void end('duration');
      return;
    }
    for (let sent = 0; next.dueMs <= now && sent < MAX_PER_TICK && publisher.inFlight < MAX_IN_FLIGHT; sent++) {
      send(next);
      next = slots.next().value;
      if (options.messages !== undefined && counts.published >= options.messages) {
        void end('messages');
        return;
      }
    }
    // Behind schedule: yield to I/O and go on at once, or poll while the broker works off its backlog.
    const wait = next.dueMs > now ? next.dueMs - now : publisher.inFlight >= MAX_IN_FLIGHT ? 20 : 0;
    timer = setTimeout(pump, Math.min(wait, untilEnd, 1000));
  };

  const end = (reason: SimulationSummary['stoppedBecause']): Promise<SimulationSummary> => {
    ending ??= (async () => {
      clearTimeout(timer);
      const deadline = performance.now() + DRAIN_TIMEOUT_MS;
      while (publisher.inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // A failed goodbye must not lose the summary: whatever was not acknowledged is already counted.
      await publisher.close().catch(() => undefined);
      const summary = { ...stats(), lagSeconds: 0, stoppedBecause: reason };
      resolveFinished(summary);
      return summary;
    })();
    return ending;
  };

  pump();
  return { plan, stats, stop: () => end('stopped'), finished };
}
