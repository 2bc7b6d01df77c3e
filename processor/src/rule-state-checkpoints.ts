import type { BusTopic, RuleStateCheckpoint } from '../../contracts/src/index.js';

/** The header naming the topic partition whose records the state was learned from: `ioc.telemetry:3`. */
export const SOURCE_HEADER = 'ioc-source-partition';

export function sourceOf(topic: BusTopic, partition: number): string {
  return `${topic}:${partition}`;
}

/**
 * Which rule state this processor instance checkpoints on `ioc.rule-state`, and which it
 * restores from there. Pure bookkeeping; the checkpoint feed takes, publishes and restores.
 *
 * State is kept under an id (a device, a camera site, an air station for VN_AQI) and learned from
 * the records of one partition: readings are keyed by device id, camera events by site. The
 * instance that owns a partition evaluates its ids, so a checkpoint carries its partition (in a
 * header, `SOURCE_HEADER`) and is restored by whoever owns that partition next.
 */
export class RuleStateCheckpoints {
  /** Where this instance learned each id's state, by id. */
  private readonly learned = new Map<string, string>();
  /** Ids whose state changed since the last checkpoint. */
  private readonly changed = new Set<string>();
  /** The latest checkpoint of every id on the bus, whoever wrote it, with its partition. */
  private readonly latest = new Map<string, { checkpoint: RuleStateCheckpoint; source: string }>();
  /** The partitions this instance owns, as sources. */
  private readonly owned = new Set<string>();

  /** Notes that a record of `topic`'s `partition` changed the state kept under `id`. */
  note(id: string, topic: BusTopic, partition: number): void {
    const source = sourceOf(topic, partition);
    if (this.learned.get(id) !== source) this.learned.set(id, source);
    this.changed.add(id);
  }

  /**
   * Takes in a checkpoint read from `ioc.rule-state`; one older than the id's latest is ignored.
   * True when this instance owns its partition, so the caller restores it now: a checkpoint
   * written at a rebalance by the previous owner arrives after the assignment.
   */
  noteCheckpoint(checkpoint: RuleStateCheckpoint, source: string | undefined): boolean {
    if (source === undefined || !this.isNewer(checkpoint.deviceId, checkpoint.takenAt)) return false;
    this.latest.set(checkpoint.deviceId, { checkpoint, source });
    return this.owned.has(source);
  }

  /** Whether a checkpoint of `id` taken at `takenAt` is newer than the latest known (this instance's own come back as not newer). */
  isNewer(id: string, takenAt: number): boolean {
    const known = this.latest.get(id);
    return known === undefined || takenAt > known.checkpoint.takenAt;
  }

  /**
   * The partitions of `topic` this instance owns are now `partitions` (start, rebalance). Returns
   * the ids learned from partitions it lost, to checkpoint one last time and forget, and the
   * checkpoints of the partitions it owns, to restore (the engine leaves alone state it holds newer).
   */
  assign(topic: BusTopic, partitions: readonly number[]): { lost: string[]; restore: RuleStateCheckpoint[] } {
    const prefix = `${topic}:`;
    for (const source of this.owned) if (source.startsWith(prefix)) this.owned.delete(source);
    for (const partition of partitions) this.owned.add(sourceOf(topic, partition));
    const lost: string[] = [];
    for (const [id, source] of this.learned) if (source.startsWith(prefix) && !this.owned.has(source)) lost.push(id);
    const restore: RuleStateCheckpoint[] = [];
    for (const { checkpoint, source } of this.latest.values()) if (source.startsWith(prefix) && this.owned.has(source)) restore.push(checkpoint);
    return { lost, restore };
  }

  /** Stops checkpointing `ids` (their partitions went to another instance). */
  forget(ids: readonly string[]): void {
    for (const id of ids) {
      this.learned.delete(id);
      this.changed.delete(id);
    }
  }

  /** Ids whose state changed since they were last checkpointed. */
  get pending(): number {
    return this.changed.size;
  }

  /** At most `limit` of the ids changed since the last call, or those of them in `only`, with their partition; taken off the list. */
  due(only?: readonly string[], limit = Infinity): Array<{ id: string; source: string }> {
    const ids = only ?? this.changed;
    const due: Array<{ id: string; source: string }> = [];
    for (const id of ids) {
      if (due.length >= limit) break;
      const source = this.learned.get(id);
      if (source === undefined || !this.changed.delete(id)) continue;
      due.push({ id, source });
    }
    return due;
  }

  /** Notes checkpoints this instance just took, so they are not restored again when they come back from the bus. */
  taken(checkpoints: ReadonlyArray<{ checkpoint: RuleStateCheckpoint; source: string }>): void {
    for (const taken of checkpoints) this.latest.set(taken.checkpoint.deviceId, taken);
  }

  /** Puts back ids whose checkpoints the bus refused, so they go out with the next ones. */
  unpublished(ids: readonly string[]): void {
    for (const id of ids) if (this.learned.has(id)) this.changed.add(id);
  }
}
