import { describe, expect, test } from 'vitest';
import { packetSizeGuard } from '../src/packet-size-guard.js';

/** A PUBLISH packet (type 3, QoS 0) with a body of `size` bytes, its remaining length encoded as MQTT does. */
function packet(size: number): Buffer {
  const length: number[] = [];
  let rest = size;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    length.push(byte);
  } while (rest > 0);
  return Buffer.concat([Buffer.from([0x30, ...length]), Buffer.alloc(size, 1)]);
}

function guarded(maxBytes: number) {
  const refusals: Array<number | 'malformed'> = [];
  return { feed: packetSizeGuard(maxBytes, (declared) => refusals.push(declared)), refusals };
}

describe('packet size guard', () => {
  test('packets up to the limit pass, however the bytes are split into chunks', () => {
    const { feed, refusals } = guarded(1000);
    const stream = Buffer.concat([packet(0), packet(1000), packet(127), packet(128), packet(999)]);
    for (let i = 0; i < stream.length; i += 7) expect(feed(stream.subarray(i, i + 7))).toBe(true);
    expect(refusals).toEqual([]);
  });

  test('a packet over the limit is refused from its header, before its body arrives', () => {
    const { feed, refusals } = guarded(1000);
    expect(feed(packet(10))).toBe(true);
    expect(feed(packet(1001).subarray(0, 3))).toBe(false);
    expect(refusals).toEqual([1001]);
    expect(feed(packet(1))).toBe(false);
  });

  test('a declared 256 MB is refused once the length bytes read pass the limit; a fifth length byte is malformed', () => {
    const huge = guarded(128 * 1024);
    expect(huge.feed(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]))).toBe(false);
    expect(huge.refusals[0]).toBeGreaterThan(128 * 1024);
    const malformed = guarded(Number.MAX_SAFE_INTEGER);
    expect(malformed.feed(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe(false);
    expect(malformed.refusals).toEqual(['malformed']);
  });
});
