import { escape } from '@influxdata/influxdb-client';
import type { Alert, Reading } from '../../../../contracts/src/index.js';

/**
 * Readings and alert changes as InfluxDB line protocol, millisecond timestamps. The schema (which
 * values are tags, which are fields, and why) is documented in SCHEMA.md next to this file.
 * Lines are built here rather than with the client's Point class, which costs twice the CPU per
 * reading; escaping is still the client's.
 */

type Tags = ReadonlyArray<readonly [string, string | undefined]>;
type FieldValue = number | string | { int: number } | undefined | null;

/**
 * Tags are given in sorted key order (InfluxDB's own, so it need not sort them); empty tags and
 * absent fields are left out. Each measurement has one field that is always present (`seq`, `id`),
 * so a line is never without fields.
 */
function line(measurement: string, tags: Tags, fields: ReadonlyArray<readonly [string, FieldValue]>, timestamp: number): string {
  let text = escape.measurement(measurement);
  for (const [key, value] of tags) {
    if (value) text += `,${key}=${escape.tag(value)}`;
  }
  let separator = ' ';
  for (const [key, value] of fields) {
    const formatted = formatField(value);
    if (formatted === undefined) continue;
    text += `${separator}${escape.tag(key)}=${formatted}`;
    separator = ',';
  }
  return `${text} ${timestamp}`;
}

function formatField(value: FieldValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return escape.quoted(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  return Number.isSafeInteger(value.int) ? `${value.int}i` : undefined;
}

/** One line per reading: every metric a float field, `seq` an integer field present on every line. */
export function readingLine(reading: Reading): string {
  const fields: Array<readonly [string, FieldValue]> = [['seq', { int: reading.seq }]];
  for (const name in reading.metrics) fields.push([name, reading.metrics[name as keyof Reading['metrics']]]);
  if (reading.powerState !== undefined) fields.push(['powerState', reading.powerState]);
  if (reading.faults !== undefined && reading.faults.length > 0) fields.push(['faultCodes', reading.faults.join(',')]);
  return line(
    'reading',
    [
      ['derived', reading.derived],
      ['device', reading.deviceId],
      ['domain', reading.domain],
      ['kind', reading.kind],
      ['site', reading.siteId],
      ['ward', reading.ward],
    ],
    fields,
    reading.ts,
  );
}

/** One line per alert change (snapshot), at the time of the change. */
export function alertLine(alert: Alert): string {
  const by = alert.lastChange === 'acknowledged' ? alert.acknowledgedBy : alert.lastChange === 'resolved' ? alert.resolvedBy : undefined;
  return line(
    'alert',
    [
      ['change', alert.lastChange],
      ['device', alert.deviceId],
      ['domain', alert.domain],
      ['metric', alert.metric],
      ['rule', alert.ruleId],
      ['severity', alert.severity],
      ['site', alert.siteId],
      ['state', alert.state],
      ['ward', alert.ward],
    ],
    [
      ['id', alert.id],
      ['value', alert.value],
      ['ruleVersion', { int: alert.ruleVersion }],
      ['openedAt', { int: alert.openedAt }],
      ['messageVi', alert.message.vi],
      ['messageEn', alert.message.en],
      ['by', by],
    ],
    alert.updatedAt,
  );
}
