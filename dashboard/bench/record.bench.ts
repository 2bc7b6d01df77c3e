/**
 * The operations record's alert history on each engine: alert snapshots recorded one per
 * transaction (an operator's acknowledgement) and in batches of 500 (a dashboard reading
 * ioc.alerts again at start), and a history query (station, text, time range; a page of 50 with
 * lifecycles) over what was recorded. SQLite in a temporary file with synchronous=FULL (the
 * default) and NORMAL; PostgreSQL on IOC_TEST_POSTGRES_URL (default: local, trust) in a database
 * of its own, dropped afterwards.
 *   npx tsx dashboard/bench/record.bench.ts [alerts=5000]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { DatabaseLocation } from '../../platform/src/index.js';
import { createTestPostgresDatabase } from '../../test-support/postgres.js';
import { findAlerts, recordAlerts } from '../src/record/alert-history.js';
import { openRecord } from '../src/record/open-record.js';
import { makeAlert } from '../test/support/fixtures.js';

const total = Number(process.argv[2] ?? 5000);
const SINGLE = Math.min(1000, total);
const BATCH = 500;
const OPENED = Date.parse('2026-11-23T00:00:00+07:00');

async function measure(label: string, location: DatabaseLocation, synchronous?: 'NORMAL') {
  const record = await openRecord(location);
  try {
    if (synchronous) await sql.raw(`pragma synchronous = ${synchronous}`).execute(record.db);
    let started = performance.now();
    for (let i = 0; i < SINGLE; i++) await recordAlerts(record, [makeAlert({ deviceId: `single-${i}`, openedAt: OPENED + i * 1000 })]);
    const single = (performance.now() - started) / SINGLE;

    const alerts = Array.from({ length: total }, (_, i) => makeAlert({ deviceId: `batch-${i}`, siteId: `site-${i % 100}`, openedAt: OPENED + i * 1000 }));
    started = performance.now();
    for (let i = 0; i < alerts.length; i += BATCH) await recordAlerts(record, alerts.slice(i, i + BATCH));
    const batched = ((performance.now() - started) * 1000) / total;

    const QUERIES = 50;
    started = performance.now();
    for (let i = 0; i < QUERIES; i++) await findAlerts(record.db, { station: `site-${i}`, text: 'pm2.5', from: OPENED, to: OPENED + 7 * 86_400_000, offset: 0, limit: 50 });
    const query = (performance.now() - started) / QUERIES;
    console.log(
      `${label.padEnd(34)} one per transaction ${single.toFixed(2)} ms · batches of ${BATCH}: ${batched.toFixed(0)} µs/alert · history query over ${SINGLE + total} alerts ${query.toFixed(1)} ms`,
    );
  } finally {
    await record.close();
  }
}

const folder = await mkdtemp(join(tmpdir(), 'ioc-record-bench-'));
try {
  await measure('SQLite, synchronous=FULL', { file: join(folder, 'full.sqlite') });
  await measure('SQLite, synchronous=NORMAL', { file: join(folder, 'normal.sqlite') }, 'NORMAL');
} finally {
  await rm(folder, { recursive: true, force: true });
}
const postgres = await createTestPostgresDatabase();
try {
  await measure('PostgreSQL', { url: postgres.url });
} finally {
  await postgres.drop();
}
