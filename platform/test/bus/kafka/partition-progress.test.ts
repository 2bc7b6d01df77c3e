import { describe, expect, it } from 'vitest';
import { PartitionProgress } from '../../../src/bus/kafka/partition-progress.js';

describe("a group member's progress per partition", () => {
  it('commits past the last handled record of each partition, and nothing once the broker took it', () => {
    const progress = new PartitionProgress();
    progress.handled(0, '9');
    progress.handled(4, '99');
    const offsets = progress.uncommitted();
    expect(offsets).toEqual([
      { partition: 0, offset: '10' },
      { partition: 4, offset: '100' },
    ]);
    progress.committed(offsets);
    expect(progress.uncommitted()).toEqual([]);
  });

  it('keeps what was handled while a commit was on its way', () => {
    const progress = new PartitionProgress();
    progress.handled(0, '9');
    const sent = progress.uncommitted();
    progress.handled(0, '19');
    progress.committed(sent);
    expect(progress.uncommitted()).toEqual([{ partition: 0, offset: '20' }]);
  });

  it('never moves a commit back when older records are handled again', () => {
    const progress = new PartitionProgress();
    progress.handled(0, '19');
    progress.handled(0, '9');
    expect(progress.uncommitted()).toEqual([{ partition: 0, offset: '20' }]);
  });

  it("forgets the uncommitted offsets of partitions now another member's, but still recognises records it handled", () => {
    const progress = new PartitionProgress();
    progress.handled(0, '9');
    progress.handled(1, '9');
    progress.keepOnly([1]);
    expect(progress.uncommitted()).toEqual([{ partition: 1, offset: '10' }]);
    expect(progress.redelivered(0, ['8', '9', '10'])).toBe(2);
    expect(progress.redelivered(2, ['0'])).toBe(0);
  });
});
