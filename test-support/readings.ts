import type { z } from 'zod';
import { RuleSetSchema, type Reading, type RuleSet, type RuleSetInput, type ThresholdRuleSchema } from '../contracts/src/index.js';

export const T0 = Date.UTC(2025, 5, 1, 3, 0, 0);
export const MINUTE = 60_000;

type Place = Pick<Reading, 'deviceId' | 'domain' | 'kind' | 'siteId' | 'ward'>;

export const AIR_STATION: Place = { deviceId: 'AQ-HK-01', domain: 'environment', kind: 'air-station', siteId: 'AQ-HK-01', ward: 'Phường Hoàn Kiếm' };

/** A reading from `place` at T0 + `minutes` of device time, its sequence number counting minutes. */
export function readingAt(minutes: number, metrics: Reading['metrics'], place: Place = AIR_STATION): Reading {
  const ts = T0 + Math.round(minutes * MINUTE);
  return { ...place, ts, seq: Math.round(minutes * 60), receivedAt: ts + 500, metrics };
}

export function ruleSet(rules: RuleSetInput['rules'], version = 1): RuleSet {
  return RuleSetSchema.parse({ id: 'test', version, rules });
}

/** PM2.5 warning 150 / critical 250, hysteresis 10, held 5 minutes. */
export const PM25_RULE: z.input<typeof ThresholdRuleSchema> = {
  id: 'pm25',
  version: 1,
  type: 'threshold',
  domain: 'environment',
  name: { vi: 'Bụi PM2.5 cao', en: 'High PM2.5' },
  metric: 'pm25',
  direction: 'above',
  warning: 150,
  critical: 250,
  hysteresis: 10,
  forSeconds: 300,
};
