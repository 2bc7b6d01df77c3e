import type { StoredRecord } from './frame.js';

/** Records in offset order (with gaps once compacted), dropped from the front; what the log keeps in memory. */
export class RecordTail {
  bytes = 0;
  private records: StoredRecord[] = [];
  private head = 0;

  get length(): number {
    return this.records.length - this.head;
  }

  first(): StoredRecord | undefined {
    return this.records[this.head];
  }

  push(record: StoredRecord): void {
    this.records.push(record);
    this.bytes += record.size;
  }

  dropFirst(): void {
    const record = this.records[this.head];
    if (!record) return;
    this.bytes -= record.size;
    this.records[this.head++] = undefined as unknown as StoredRecord;
    // Moving the array costs its length; do it once the dropped part is at least half of it.
    if (this.head >= 1024 && this.head * 2 >= this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }

  /** Records with offset >= `from` and < `before`, at most `limit`. */
  read(from: number, before: number, limit: number): StoredRecord[] {
    let low = this.head;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.records[middle].offset < from) low = middle + 1;
      else high = middle;
    }
    const result: StoredRecord[] = [];
    for (let i = low; i < this.records.length && result.length < limit; i++) {
      const record = this.records[i];
      if (record.offset >= before) break;
      result.push(record);
    }
    return result;
  }

  keepOnly(keep: (record: StoredRecord) => boolean): void {
    const kept = this.records.slice(this.head).filter(keep);
    this.records = kept;
    this.head = 0;
    this.bytes = kept.reduce((sum, record) => sum + record.size, 0);
  }
}
