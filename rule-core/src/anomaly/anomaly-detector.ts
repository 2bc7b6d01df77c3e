import type { AnomalyRule, SavedAnomaly } from '../../../contracts/src/index.js';
import { fromSaved, toSaved } from './saved-number.js';
import { DecayingStats } from './decaying-stats.js';
import { RollingMedianMad } from './median-mad.js';
import { SeasonalBaseline } from './seasonal-baseline.js';

export type AnomalyParameters = Pick<
  AnomalyRule,
  'method' | 'windowSeconds' | 'halfLifeSeconds' | 'direction' | 'threshold' | 'clearScore' | 'warmupReadings' | 'warmupSeconds' | 'seasonality' | 'minDeviation'
>;

export type AnomalyState = 'warming-up' | 'normal' | 'anomalous';

/** What a reading was compared with, for an alert's evidence. */
export interface AnomalyEvidence {
  method: AnomalyRule['method'];
  seasonality: AnomalyRule['seasonality'];
  /** The local hour bucket compared with (0–23 or 0–167), when seasonal. */
  bucket?: number;
  value: number;
  expected: number;
  /** Standard deviation the score divides by: RollingMedianMad.robustStd(), or the EWMA's. */
  scale: number;
  score: number;
  baselineReadings: number;
  threshold: number;
  clearScore: number;
}

/**
 * Scores each reading of one device and metric against its own recent behaviour and decides,
 * with warm-up and hysteresis, whether it is anomalous. The reading is scored first, then added
 * to the baseline (anomalous readings included: a lasting change becomes the new normal and the
 * alert clears). Callers keep out-of-range readings away from it.
 *
 * Baselines by parameters (see AnomalyRuleSchema):
 * - median-mad: RollingMedianMad over windowSeconds (as it stood at the previous reading, and
 *   empty again after a silence longer than the window);
 * - ewma: DecayingStats with halfLifeSeconds;
 * - seasonal ewma: the hour's bucket of a SeasonalBaseline;
 * - seasonal median-mad: residuals from the hour's bucket mean, in a RollingMedianMad.
 * The warm-up counts the readings of the baseline actually compared with (window, EWMA or hour
 * bucket) and the time since the detector's first reading.
 *
 * Per reading O(1) for ewma, O(log n) + one memmove for median-mad (O(n) while more than half
 * the window is one value, see robustStd). `observe` allocates nothing;
 * `evidence()` builds an object, call it when an alert opens or changes.
 */
export class AnomalyDetector {
  private readonly window?: RollingMedianMad;
  private readonly ewma?: DecayingStats;
  private readonly seasonal?: SeasonalBaseline;
  private readonly warmupMs: number;
  private firstTime = NaN;
  private anomalous = false;
  private lastValue = NaN;
  private lastExpected = NaN;
  private lastScale = NaN;
  private lastScore = NaN;
  private lastReadings = 0;
  private lastBucket = -1;

  constructor(readonly parameters: AnomalyParameters) {
    const { method, seasonality, windowSeconds, halfLifeSeconds } = parameters;
    if (method === 'median-mad') {
      if (windowSeconds === undefined) throw new RangeError('method "median-mad" needs windowSeconds');
      this.window = new RollingMedianMad(windowSeconds * 1000);
    }
    if (method === 'ewma' || seasonality !== 'none') {
      if (halfLifeSeconds === undefined) throw new RangeError(`method "${method}" with seasonality "${seasonality}" needs halfLifeSeconds`);
      if (seasonality !== 'none') this.seasonal = new SeasonalBaseline(seasonality, halfLifeSeconds * 1000);
      else this.ewma = new DecayingStats(halfLifeSeconds * 1000);
    }
    this.warmupMs = parameters.warmupSeconds * 1000;
  }

  observe(time: number, value: number): AnomalyState {
    if (Number.isNaN(this.firstTime)) this.firstTime = time;
    this.lastValue = value;
    this.compare(time, value);
    this.learn(time, value);

    const p = this.parameters;
    const warmedUp = this.lastReadings >= p.warmupReadings && time - this.firstTime >= this.warmupMs;
    if (!warmedUp) {
      this.anomalous = false;
      this.lastScore = NaN;
      return 'warming-up';
    }
    const signed = this.lastScore;
    const directed = p.direction === 'above' ? signed : p.direction === 'below' ? -signed : Math.abs(signed);
    if (!this.anomalous && directed >= p.threshold) this.anomalous = true;
    else if (this.anomalous && directed < p.clearScore) this.anomalous = false;
    return this.anomalous ? 'anomalous' : 'normal';
  }

  get isAnomalous(): boolean {
    return this.anomalous;
  }

  /** Signed score of the last reading (positive above the baseline); NaN while warming up. */
  get score(): number {
    return this.lastScore;
  }

  evidence(): AnomalyEvidence {
    const p = this.parameters;
    return {
      method: p.method,
      seasonality: p.seasonality,
      ...(this.lastBucket >= 0 ? { bucket: this.lastBucket } : {}),
      value: this.lastValue,
      expected: this.lastExpected,
      scale: this.lastScale,
      score: this.lastScore,
      baselineReadings: this.lastReadings,
      threshold: p.threshold,
      clearScore: p.clearScore,
    };
  }

  /** The baseline and warm-up, for a checkpoint (the anomaly kind adds when it last called a reading anomalous). */
  save(): Omit<SavedAnomaly, 'lastAnomalousAt'> {
    return {
      firstTime: toSaved(this.firstTime),
      anomalous: this.anomalous,
      ...(this.window ? { window: this.window.save() } : {}),
      ...(this.ewma ? { ewma: this.ewma.save() } : {}),
      ...(this.seasonal ? { seasonal: this.seasonal.save() } : {}),
    };
  }

  /**
   * Continues, in a new detector of the same parameters, from `save()`'s value: warmed up as it
   * was, on the same baseline. False when the value holds another kind of baseline.
   */
  load(saved: Omit<SavedAnomaly, 'lastAnomalousAt'>): boolean {
    if ((saved.window !== undefined) !== (this.window !== undefined)) return false;
    if ((saved.ewma !== undefined) !== (this.ewma !== undefined)) return false;
    if ((saved.seasonal !== undefined) !== (this.seasonal !== undefined)) return false;
    if (saved.seasonal !== undefined && !this.seasonal!.load(saved.seasonal)) return false;
    if (saved.window !== undefined) this.window!.load(saved.window);
    if (saved.ewma !== undefined) this.ewma!.load(saved.ewma);
    this.firstTime = fromSaved(saved.firstTime);
    this.anomalous = saved.anomalous;
    return true;
  }

  /** Sets expected, scale, score and readings of the baseline the reading is compared with. */
  private compare(time: number, value: number): void {
    let expected = NaN;
    let scale = NaN;
    let readings = 0;
    if (this.seasonal) {
      const bucket = this.seasonal.at(time);
      this.lastBucket = this.seasonal.bucketOf(time);
      if (bucket && this.window) {
        this.window.clearIfStale(time);
        readings = this.window.size;
        expected = bucket.mean + this.window.median();
        scale = this.window.robustStd();
      } else if (bucket) {
        readings = bucket.count;
        expected = bucket.mean;
        scale = bucket.std;
      }
    } else if (this.window) {
      this.window.clearIfStale(time);
      readings = this.window.size;
      expected = this.window.median();
      scale = this.window.robustStd();
    } else if (this.ewma) {
      readings = this.ewma.count;
      expected = this.ewma.mean;
      scale = this.ewma.std;
    }
    this.lastExpected = expected;
    this.lastScale = scale;
    this.lastReadings = readings;
    if (readings === 0) {
      this.lastScore = NaN;
      return;
    }
    // A floor on the scale: with it, score ≥ threshold implies a deviation ≥ minDeviation, and a
    // perfectly flat baseline gives a large finite score rather than a division by zero.
    const p = this.parameters;
    const floor = Math.max(p.minDeviation / p.threshold, Number.EPSILON * Math.max(1, Math.abs(expected)));
    this.lastScore = (value - expected) / Math.max(scale, floor);
  }

  private learn(time: number, value: number): void {
    if (this.seasonal) {
      const bucket = this.seasonal.at(time);
      if (bucket && this.window) this.window.push(time, value - bucket.mean);
      this.seasonal.push(time, value);
    } else if (this.window) this.window.push(time, value);
    else this.ewma?.push(time, value);
  }
}
