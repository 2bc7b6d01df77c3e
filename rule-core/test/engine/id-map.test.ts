import { describe, expect, it } from 'vitest';
import { IdMap, idHash } from '../../src/engine/id-map.js';

interface Station {
  id: string;
  name: string;
}

const station = (id: string, name = id): Station => ({ id, name });

describe('IdMap', () => {
  it('finds values by ids that are new strings, as readings decoded from JSON bring them', () => {
    const map = new IdMap<Station>((value) => value.id);
    for (let i = 0; i < 1000; i++) map.set(`air-${i}`, station(`air-${i}`));
    const ids = JSON.parse(JSON.stringify(Array.from({ length: 1000 }, (_, i) => `air-${i}`))) as string[];
    expect(ids.every((id) => map.get(id)?.id === id)).toBe(true);
    expect(map.get('air-1000')).toBeUndefined();
    expect(map.size).toBe(1000);
  });

  it('tells apart two ids with the same hash, whichever was added or removed first', () => {
    expect(idHash('dev-7spw0x')).toBe(idHash('dev-7gp80q'));
    const map = new IdMap<Station>((value) => value.id);
    map.set('dev-7spw0x', station('dev-7spw0x'));
    map.set('dev-7gp80q', station('dev-7gp80q'));
    expect(map.get('dev-7spw0x')?.id).toBe('dev-7spw0x');
    expect(map.get('dev-7gp80q')?.id).toBe('dev-7gp80q');
    map.delete('dev-7spw0x');
    expect(map.get('dev-7spw0x')).toBeUndefined();
    expect(map.get('dev-7gp80q')?.id).toBe('dev-7gp80q');
    map.set('dev-7spw0x', station('dev-7spw0x'));
    expect(map.get('dev-7spw0x')?.id).toBe('dev-7spw0x');
  });

  it('replaces a value in place and iterates in insertion order, as a Map does', () => {
    const map = new IdMap<Station>((value) => value.id);
    map.set('b', station('b'));
    map.set('a', station('a'));
    map.set('b', station('b', 'renamed'));
    expect(map.get('b')?.name).toBe('renamed');
    expect([...map.values()].map((value) => value.name)).toEqual(['renamed', 'a']);
    expect(map.delete('b')).toBe(true);
    expect(map.delete('b')).toBe(false);
    expect(map.has('b')).toBe(false);
    expect([...map.values()].map((value) => value.id)).toEqual(['a']);
  });
});
