import { localTime } from '../../../contracts/src/index.js';
import { Rng } from '../random.js';

const BLOCK_MS = 6 * 3600 * 1000;
const MAX_EVENT_MS = 5 * 3600 * 1000;

interface RainEvent {
  start: number;
  end: number;
  /** Peak intensity, mm/h. */
  peak: number;
}

/**
 * Rain over one reservoir basin. Events are a pure function of (seed, basin, time): each 6-hour
 * block may hold one storm (chance by month), so every rain gauge and the reservoir station of a
 * basin see the same storms whatever order they are asked in.
 */
export class BasinWeather {
  private readonly events = new Map<number, RainEvent | null>();

  constructor(
    private readonly seed: number,
    private readonly basinId: string,
    private readonly rainChanceByMonth: readonly number[],
  ) {}

  /** Rain intensity in mm/h at an instant. */
  intensity(time: number): number {
    const block = Math.floor(time / BLOCK_MS);
    let total = 0;
    // An event starting late in the previous block may still be raining.
    for (const b of [block - 1, block]) {
      const event = this.eventIn(b);
      if (event && time >= event.start && time < event.end) {
        total += event.peak * Math.sin((Math.PI * (time - event.start)) / (event.end - event.start));
      }
    }
    return total;
  }

  /** Rain fallen between two instants, mm. */
  rainfall(from: number, to: number): number {
    return integrate(from, to, (t) => this.intensity(t) / 3600_000);
  }

  private eventIn(block: number): RainEvent | null {
    let event = this.events.get(block);
    if (event === undefined) {
      event = this.drawEvent(block);
      // Only the last few blocks are ever asked for again.
      if (this.events.size > 8) this.events.delete(this.events.keys().next().value as number);
      this.events.set(block, event);
    }
    return event;
  }

  private drawEvent(block: number): RainEvent | null {
    const rng = new Rng(this.seed, 'rain', this.basinId, String(block));
    const blockStart = block * BLOCK_MS;
    const chance = this.rainChanceByMonth[localTime(blockStart).month - 1];
    if (!rng.chance(chance)) return null;
    const start = blockStart + rng.range(0, BLOCK_MS);
    const duration = rng.range(0.5 * 3600_000, MAX_EVENT_MS);
    // Mostly showers of a few mm/h, now and then a downpour of up to 50 mm/h.
    const peak = 1 + 49 * rng.next() ** 5;
    return { start, end: start + duration, peak };
  }
}

const STEP_MS = 5 * 60 * 1000;

/** Midpoint rule in steps of at most 5 minutes: storms last hours, so this is plenty. */
export function integrate(from: number, to: number, rate: (t: number) => number): number {
  if (to <= from) return 0;
  const steps = Math.ceil((to - from) / STEP_MS);
  const width = (to - from) / steps;
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += rate(from + (i + 0.5) * width) * width;
  return sum;
}
