import { METRICS, RuleSetSchema, type MetricName, type RuleSet } from '../../../contracts/src/index.js';
import type { RuleInput } from './rule-input.js';

/**
 * What an operator deploys on a metric nobody has studied yet: a statistical anomaly rule that
 * learns the device's own behaviour per local hour of the day (a busy 08:00 is compared with
 * earlier 08:00s, not with the night), with a day of warm-up, a wide gap between opening and
 * clearing, and an alert that stays open until the readings have been normal for 12 hours: an
 * unsettled series is one alert to look at, not one per spike. These are the rules
 * `npm run eval:nab` scores on the NAB corpus, with the same parameters for every series.
 */
export function genericAnomalyRules(metric: MetricName): RuleInput[] {
  const domain = METRICS[metric].domain;
  return [
    {
      id: `${metric}-unusual`,
      version: 1,
      type: 'anomaly',
      domain,
      name: { vi: `${METRICS[metric].label.vi} bất thường`, en: `Unusual ${METRICS[metric].label.en}` },
      source: 'Editable default, not from a standard: exponentially weighted mean and spread per local hour of the day (half-life 3 days); opens at 5 standard deviations, clears once the readings have stayed within 1 for 12 hours.',
      metric,
      method: 'ewma',
      halfLifeSeconds: 3 * 24 * 3600,
      seasonality: 'hour-of-day',
      threshold: 5,
      clearScore: 1,
      warmupReadings: 12,
      warmupSeconds: 24 * 3600,
      clearAfterSeconds: 12 * 3600,
    },
  ];
}

export function genericAnomalyRuleSet(metric: MetricName): RuleSet {
  return RuleSetSchema.parse({ id: `generic-${metric}`, version: 1, description: 'Anomaly rules for a metric without a standard or a known limit.', rules: genericAnomalyRules(metric) });
}
