import type { Alert, Reading } from '../../../contracts/src/index.js';

/**
 * Where the processor keeps readings and alert changes for history and Grafana. A write resolves
 * only when the store has acknowledged it: the processor commits bus offsets after that, so a
 * crash or an outage of the store loses nothing.
 */
export interface TimeSeriesSink {
  write(readings: readonly Reading[], alerts: readonly Alert[]): Promise<void>;
  /** Readings and alerts accepted by write() but not yet acknowledged by the store. */
  backlog(): number;
  /** True while the backlog is at its limit: the caller stops feeding writes until whenDrained() resolves. */
  isFull(): boolean;
  /** Resolves once the backlog has room again (at once when it has). */
  whenDrained(): Promise<void>;
  close(): Promise<void>;
}
