/** An offset to commit: the next record of the partition to read, as Kafka commits it. */
export interface PartitionOffset {
  partition: number;
  offset: string;
}

/**
 * How far one group member got on each partition of its topic. kafkajs keeps its own record of
 * handled offsets, but starts a fresh one at every group join, so what was handled and not yet
 * committed would be lost; this record outlives joins, so handled offsets can be committed before
 * the partitions move and redeliveries can be counted.
 */
export class PartitionProgress {
  /** Handled but not yet committed: the offset to commit per partition. */
  private readonly pending = new Map<number, bigint>();
  /** The highest offset handled per partition since this process started. */
  private readonly handledUpTo = new Map<number, bigint>();

  /** How many of a batch's offsets (ascending) this member had already handled: records delivered again. */
  redelivered(partition: number, offsets: readonly string[]): number {
    const upTo = this.handledUpTo.get(partition);
    if (upTo === undefined || offsets.length === 0 || BigInt(offsets[0]) > upTo) return 0;
    let count = 0;
    for (const offset of offsets) {
      if (BigInt(offset) > upTo) break;
      count++;
    }
    return count;
  }

  /** The handler resolved for records up to `lastOffset`: commit past it. */
  handled(partition: number, lastOffset: string): void {
    const last = BigInt(lastOffset);
    if (last > (this.handledUpTo.get(partition) ?? -1n)) this.handledUpTo.set(partition, last);
    if (last + 1n > (this.pending.get(partition) ?? -1n)) this.pending.set(partition, last + 1n);
  }

  uncommitted(): PartitionOffset[] {
    return [...this.pending].map(([partition, offset]) => ({ partition, offset: String(offset) }));
  }

  /** The broker took these offsets; later handled offsets, if any, stay to be committed. */
  committed(offsets: readonly PartitionOffset[]): void {
    for (const { partition, offset } of offsets) {
      if (this.pending.get(partition) === BigInt(offset)) this.pending.delete(partition);
    }
  }

  /**
   * After a group join: partitions that are another member's now are no longer this member's to
   * commit. Committing them would overwrite the new owner's progress; the broker does not check.
   */
  keepOnly(partitions: readonly number[]): void {
    for (const partition of this.pending.keys()) {
      if (!partitions.includes(partition)) this.pending.delete(partition);
    }
  }
}
