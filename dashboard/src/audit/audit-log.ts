import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AuditEntrySchema, BUS_TOPICS, type AuditEntry } from '../../../contracts/src/index.js';
import type { Bus } from '../../../platform/src/index.js';
import type { Logger } from '../../../platform/src/index.js';
import { insertAuditEntry, recentAuditEntries } from '../record/audit-record.js';
import type { OperationsRecord } from '../record/open-record.js';
import type { RecordSchema } from '../record/schema.js';

/** An entry to record; `id` and `at` are filled in when absent. */
export type AuditRecord = Omit<AuditEntry, 'id' | 'at'> & Partial<Pick<AuditEntry, 'id' | 'at'>>;

export interface AuditLogOptions {
  record: OperationsRecord;
  bus: Bus;
  logger?: Logger;
  now?: () => number;
}

/**
 * The record of who did what, when and why, in the operations record's `audit_entries` table
 * (every replica writes and reads the same entries), also published on `ioc.audit` for other
 * consumers. An entry is committed before `record` resolves, so a request is answered only once
 * its entry is durable.
 */
export class AuditLog {
  private readonly now: () => number;

  constructor(private readonly options: AuditLogOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Validates the entry, commits it, publishes it; resolves with the stored entry. */
  async record(input: AuditRecord): Promise<AuditEntry> {
    const entry = this.entry(input);
    await insertAuditEntry(this.options.record.db, entry);
    await this.publish([entry]);
    return entry;
  }

  /**
   * Adds the entry inside the caller's transaction, so the change and its entry commit together;
   * the caller publishes it (`publish`) once the transaction has committed.
   */
  async recordWithin(trx: Kysely<RecordSchema>, input: AuditRecord): Promise<AuditEntry> {
    const entry = this.entry(input);
    await insertAuditEntry(trx, entry);
    return entry;
  }

  async publish(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.options.bus.publish(
      BUS_TOPICS.audit,
      entries.map((entry) => ({ key: entry.id, value: entry })),
    );
  }

  /** The newest entries first. */
  recent(limit: number): Promise<AuditEntry[]> {
    return recentAuditEntries(this.options.record.db, limit);
  }

  private entry(input: AuditRecord): AuditEntry {
    return AuditEntrySchema.parse({ ...input, id: input.id ?? randomUUID(), at: input.at ?? this.now() });
  }
}
