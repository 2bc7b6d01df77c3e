/**
 * Seeded pseudo-random numbers (sfc32, seeded through a string hash). Every simulated value comes
 * from here, never from Math.random, so a seed reproduces a run exactly. Each device owns its own
 * stream, derived from the run seed and its id: a device's values do not depend on the order in
 * which devices happen to be asked for their next reading.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  /** `parts` name the stream: `new Rng(seed, 'device', id)` is independent of `new Rng(seed, 'fleet')`. */
  constructor(seed: number, ...parts: string[]) {
    const hash = stringHash([String(seed), ...parts].join('\u0000'));
    this.a = hash();
    this.b = hash();
    this.c = hash();
    this.d = hash();
    // sfc32 needs a few rounds before its output stops echoing the seed.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Partial<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let target = this.next() * total;
    for (const [key, weight] of entries) {
      target -= weight;
      if (target < 0) return key;
    }
    return entries[entries.length - 1][0];
  }

  /** Normally distributed (Box-Muller, both values of a pair used). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * z;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }
}

/** xmur3: turns a string into a stream of well-mixed 32-bit seeds. */
function stringHash(text: string): () => number {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
}

/**
 * A value that wanders around zero and returns to it (Ornstein-Uhlenbeck): readings close in time
 * are correlated, as real sensors are, instead of jumping independently every message.
 */
export class Wander {
  private value: number;

  constructor(
    private readonly rng: Rng,
    /** How long a deviation takes to fade (seconds of simulated time). */
    private readonly persistenceSeconds: number,
    /** Typical size of the deviation (its standard deviation). */
    private readonly spread: number,
  ) {
    this.value = rng.normal(0, spread);
  }

  step(elapsedSeconds: number): number {
    const keep = Math.exp(-Math.max(0, elapsedSeconds) / this.persistenceSeconds);
    this.value = this.value * keep + this.rng.normal(0, this.spread * Math.sqrt(1 - keep * keep));
    return this.value;
  }
}
