// SeededRandom: same seed and stream give the same numbers; streams and seeds differ.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../sim/random.js';

const draw = (r: SeededRandom, n: number): number[] => Array.from({ length: n }, () => r.nextUint32());

describe('SeededRandom', () => {
  it('repeats its stream for the same seed and stream name', () => {
    expect(draw(new SeededRandom(42, 'reach'), 50)).toEqual(draw(new SeededRandom(42, 'reach'), 50));
  });

  it('differs between seeds, between stream names and above 2^32', () => {
    const base = draw(new SeededRandom(42, 'reach'), 8);
    expect(draw(new SeededRandom(43, 'reach'), 8)).not.toEqual(base);
    expect(draw(new SeededRandom(42, 'shell-game'), 8)).not.toEqual(base);
    expect(draw(new SeededRandom(42 + 2 ** 32, 'reach'), 8)).not.toEqual(base);
  });

  it('draws uniform values in [0, 1) and permutations', () => {
    const random = new SeededRandom(7);
    const values = Array.from({ length: 20_000 }, () => random.next());
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
    expect([...random.permutation(5)].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects seeds that are not non-negative safe integers', () => {
    expect(() => new SeededRandom(-1)).toThrow(RangeError);
    expect(() => new SeededRandom(1.5)).toThrow(/seed must be/);
    expect(() => new SeededRandom(2 ** 53)).toThrow(RangeError);
  });
});
