import { hash } from 'node:crypto';

/**
 * The id of the alert opened by the reading (`ts`, `seq`) for `key`: the same reading always
 * gives the same id, so a reading delivered twice, or by two processors, cannot open two alerts.
 * Time-driven openings pass seq −1. Hashing runs only when an alert opens; the one-shot
 * `hash` builds no Hash object, which made createHash a third of the cost of opening an alert.
 */
export function alertId(key: string, ts: number, seq: number): string {
  return hash('sha1', `${key}@${ts}#${seq}`, 'hex').slice(0, 20);
}
