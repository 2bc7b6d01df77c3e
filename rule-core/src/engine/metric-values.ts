import type { Reading } from '../../../contracts/src/index.js';
import { METRIC_INDEX, METRIC_NAMES } from './physical-ranges.js';

/** The order of a `metrics` object's keys, and the function that reads objects with these keys. */
export class MetricLayout {
  constructor(
    readonly names: readonly string[],
    readonly read: (metrics: Reading['metrics'], value: Float64Array, present: Uint8Array, order: Int32Array) => number,
  ) {}

  /** Whether `metrics` has exactly these keys, in this order. */
  matches(metrics: Reading['metrics']): boolean {
    const names = this.names;
    let j = 0;
    for (const name in metrics) {
      if (j === names.length || names[j] !== name) return false;
      j++;
    }
    return j === names.length;
  }
}

/** Layouts kept at most: beyond them (producers sending ever new key sets), readings are read key by key. */
const MAX_LAYOUTS = 64;

/**
 * The metrics of the reading being evaluated, by metric index (see physical-ranges.ts), read once
 * per reading for all its rules into arrays the engine reuses.
 *
 * Why not `reading.metrics[name]` in each rule: a read by a name known only at run time is
 * megamorphic across the readings' shapes, and V8 hands a number read that way out as a new heap
 * object (an object's number field holds a mutable box it cannot share). In the rule-core
 * benchmark that was most of 190 bytes of garbage per reading, and the scavenges it caused
 * copied whole batches of young readings. Instead each layout of `metrics` objects (its keys in
 * order; in practice one per device kind) gets a reader generated for its keys, whose property
 * reads V8 compiles for that one shape and whose values go unboxed into a Float64Array. Only
 * names of the METRICS catalogue are written into the generated code; keys that are not metrics
 * are skipped, as rules never read them.
 */
export class MetricValues {
  /** The reading's values by metric index; meaningful where `present` is 1. */
  readonly value = new Float64Array(METRIC_NAMES.length);
  readonly present = new Uint8Array(METRIC_NAMES.length);
  /** The indexes of the reading's metrics in the order of its keys: the first `count` entries. */
  readonly order = new Int32Array(METRIC_NAMES.length);
  count = 0;
  private readonly layouts: MetricLayout[] = [];

  /**
   * Reads `metrics`, replacing the previous reading's values. `expected` is the layout the caller
   * saw last for readings like this one (devices under the same rules usually send the same
   * keys); returns the layout used, to pass next time.
   */
  read(metrics: Reading['metrics'], expected: MetricLayout | null): MetricLayout | null {
    for (let j = 0; j < this.count; j++) this.present[this.order[j]] = 0;
    const layout = expected !== null && expected.matches(metrics) ? expected : this.layoutOf(metrics);
    this.count = layout === null ? this.readByKey(metrics) : layout.read(metrics, this.value, this.present, this.order);
    return layout;
  }

  private layoutOf(metrics: Reading['metrics']): MetricLayout | null {
    for (const layout of this.layouts) if (layout.matches(metrics)) return layout;
    if (this.layouts.length === MAX_LAYOUTS) return null;
    const names: string[] = [];
    for (const name in metrics) names.push(name);
    const layout = compileLayout(names);
    this.layouts.push(layout);
    return layout;
  }

  private readByKey(metrics: Reading['metrics']): number {
    let n = 0;
    for (const name in metrics) {
      const m = METRIC_INDEX[name as keyof typeof METRIC_INDEX] as number | undefined;
      const x = metrics[name as keyof typeof metrics];
      if (m === undefined || x === undefined) continue;
      this.value[m] = x;
      this.present[m] = 1;
      this.order[n++] = m;
    }
    return n;
  }
}

function compileLayout(names: string[]): MetricLayout {
  const lines = names.flatMap((name) => {
    const m = METRIC_INDEX[name as keyof typeof METRIC_INDEX] as number | undefined;
    if (m === undefined) return [];
    return [`x = metrics[${JSON.stringify(name)}];`, `if (x !== undefined) { value[${m}] = x; present[${m}] = 1; order[n++] = ${m}; }`];
  });
  const read = new Function('metrics', 'value', 'present', 'order', ['let x;', 'let n = 0;', ...lines, 'return n;'].join('\n')) as MetricLayout['read'];
  return new MetricLayout(names, read);
}
