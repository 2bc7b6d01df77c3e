import { createHash } from 'node:crypto';

/**
 * The id of the alert opened by the reading (`ts`, `seq`) for `key`: the same reading always
 * gives the same id, so a reading delivered twice, or by two processors, cannot open two alerts.
 * Time-driven openings pass seq −1. Hashing runs only when an alert opens.
 */
export function alertId(key: string, ts: number, seq: number): string {
  return createHash('sha1').update(`${key}@${ts}#${seq}`).digest('hex').slice(0, 20);
}
