// HamletWindow: episode-start seeding, FIFO order, batched fill layout and input errors.
import { describe, expect, it } from 'vitest';
import { HamletWindow } from '../../../src/memory/hamlet-window.js';

// One step of nq = 1, d = 2 whose values identify the step.
function step(v: number): Float32Array {
  return new Float32Array([v, v + 0.5]);
}

function window3(): HamletWindow {
  return new HamletWindow({ length: 3, tokens: 1, dim: 2 });
}

function contents(w: HamletWindow): number[] {
  const out = new Float32Array(w.length * w.stride);
  w.fill(out);
  return [...out];
}

describe('HamletWindow', () => {
  it('seeds the window with T copies of the first step', () => {
    const w = window3();
    expect(w.size).toBe(0);
    w.push(step(1));
    expect(w.size).toBe(3);
    expect(contents(w)).toEqual([1, 1.5, 1, 1.5, 1, 1.5]);
  });

  it('appends the newest step and drops the oldest, oldest first', () => {
    const w = window3();
    w.push(step(1));
    w.push(step(2));
    expect(contents(w)).toEqual([1, 1.5, 1, 1.5, 2, 2.5]);
    w.push(step(3));
    expect(contents(w)).toEqual([1, 1.5, 2, 2.5, 3, 3.5]);
    w.push(step(4));
    expect(contents(w)).toEqual([2, 2.5, 3, 3.5, 4, 4.5]);
    w.push(step(5));
    w.push(step(6));
    w.push(step(7));
    expect(contents(w)).toEqual([5, 5.5, 6, 6.5, 7, 7.5]);
    expect(w.size).toBe(3);
  });

  it('seeds again after reset', () => {
    const w = window3();
    w.push(step(1));
    w.push(step(2));
    w.reset();
    expect(w.size).toBe(0);
    w.push(step(9));
    expect(contents(w)).toEqual([9, 9.5, 9, 9.5, 9, 9.5]);
  });

  it('copies what it is given', () => {
    const w = window3();
    const m = step(1);
    w.push(m);
    m[0] = 100;
    expect(contents(w)[0]).toBe(1);
  });

  it('fills one batch slot of [B, T, nq, d] and leaves the others alone', () => {
    const w = new HamletWindow({ length: 2, tokens: 2, dim: 1 });
    w.push(new Float32Array([1, 2]));
    w.push(new Float32Array([3, 4]));
    const batch = new Float32Array(3 * 2 * 2).fill(-1);
    w.fill(batch, 1 * 2 * 2);
    expect([...batch]).toEqual([-1, -1, -1, -1, 1, 2, 3, 4, -1, -1, -1, -1]);
  });

  it('rejects bad options naming the field and value', () => {
    expect(() => new HamletWindow({ length: 0, tokens: 1, dim: 1 })).toThrow(/'length'.*0/);
    expect(() => new HamletWindow({ length: 4, tokens: 1.5, dim: 1 })).toThrow(/'tokens'.*1\.5/);
    expect(() => new HamletWindow({ length: 4, tokens: 4, dim: -2 })).toThrow(RangeError);
    expect(() => new HamletWindow({ length: 4, tokens: 4, dim: -2 })).toThrow(/'dim'.*-2/);
  });

  it('rejects moments of the wrong length naming expected and actual', () => {
    const w = new HamletWindow({ length: 4, tokens: 4, dim: 8 });
    expect(() => w.push(new Float32Array(31))).toThrow(RangeError);
    expect(() => w.push(new Float32Array(31))).toThrow(/32.*31/);
  });

  it('rejects fill before the first push and past the end of the target', () => {
    const w = window3();
    expect(() => w.fill(new Float32Array(6))).toThrow(/empty/);
    w.push(step(1));
    expect(() => w.fill(new Float32Array(6), 1)).toThrow(RangeError);
    expect(() => w.fill(new Float32Array(5))).toThrow(/length 5/);
  });
});
