import { describe, expect, it } from 'vitest';
import type { ActionChunk } from '../../../src/core/types.js';
import { ActionScheduler } from '../../../src/policy/action-scheduler.js';

const MS = 1e6;
const chunk = (stampMs: number, rows: number[][]): ActionChunk => ({
  dims: rows[0]!.length,
  horizon: rows.length,
  values: Float32Array.from(rows.flat()),
  stampNs: stampMs * MS,
  periodS: 0.1,
});

describe('ActionScheduler', () => {
  it('holds at start, then plays a chunk at its period and holds when it runs out', () => {
    const s = new ActionScheduler({ low: [-1], high: [1] });
    expect(s.next(0)).toMatchObject({ hold: true, reason: 'start' });
    s.push(chunk(0, [[0.1], [0.2], [0.3]]));
    expect([0, 100, 200].map((t) => s.next(t * MS).values[0])).toEqual([0.1, 0.2, 0.3].map(Math.fround));
    const late = s.next(300 * MS);
    expect(late).toMatchObject({ hold: true, reason: 'late' });
    expect(late.values[0]).toBeCloseTo(0.3, 6);
    expect(s.holds).toEqual({ start: 1, late: 1, nonFinite: 0 });
  });

  it('uses at most maxIndex actions of a chunk (receding horizon)', () => {
    const s = new ActionScheduler({ low: [-1], high: [1], maxIndex: 2 });
    s.push(chunk(0, [[0.1], [0.2], [0.3], [0.4]]));
    expect(s.next(100 * MS).hold).toBe(false);
    expect(s.next(200 * MS)).toMatchObject({ hold: true, reason: 'late' });
  });

  it('clamps to the limits per dimension', () => {
    const s = new ActionScheduler({ low: [-1, 0], high: [1, 0.5] });
    s.push(chunk(0, [[3, -2]]));
    expect([...s.next(0).values]).toEqual([1, 0]);
  });

  it('never emits NaN/Inf: holds the last action and reports an error', () => {
    const errors: Error[] = [];
    const s = new ActionScheduler({ low: [-1], high: [1], onError: (e) => errors.push(e) });
    s.push(chunk(0, [[0.5], [0.5]]));
    expect(s.next(0).values[0]).toBe(0.5);
    s.push(chunk(100, [[Number.NaN], [0.1]]));
    const held = s.next(100 * MS);
    expect(held).toMatchObject({ hold: true, reason: 'non-finite' });
    expect(held.values[0]).toBe(0.5);
    s.push(chunk(200, [[Number.POSITIVE_INFINITY]]));
    expect(Number.isFinite(s.next(200 * MS).values[0])).toBe(true);
    expect(errors).toHaveLength(2);
    expect(errors[0]!.message).toMatch(/value NaN at step 0, dim 0/);
    s.push(chunk(300, [[-0.25]]));
    expect(s.next(300 * MS)).toMatchObject({ hold: false });
  });

  it('newest chunk wins without ensembling', () => {
    const s = new ActionScheduler({ low: [-1], high: [1] });
    s.push(chunk(0, [[0.1], [0.2], [0.3]]));
    s.push(chunk(100, [[0.9], [0.8]]));
    expect(s.next(100 * MS).values[0]).toBeCloseTo(0.9, 6);
    expect(s.next(200 * MS).values[0]).toBeCloseTo(0.8, 6);
  });

  it('blends overlapping chunks with exponential weights, oldest weighted most (temporal ensembling)', () => {
    const m = 0.5;
    const s = new ActionScheduler({ low: [-1], high: [1], ensemble: m });
    s.push(chunk(0, [[0.1], [0.2], [0.3]]));
    s.push(chunk(100, [[0.9], [0.8]]));
    const w0 = 1;
    const w1 = Math.exp(-m);
    expect(s.next(100 * MS).values[0]).toBeCloseTo((0.2 * w0 + 0.9 * w1) / (w0 + w1), 6);
    expect(s.next(200 * MS).values[0]).toBeCloseTo((0.3 * w0 + 0.8 * w1) / (w0 + w1), 6);
  });

  it('rejects chunks of the wrong width, naming both', () => {
    const s = new ActionScheduler({ low: [-1, -1], high: [1, 1] });
    expect(() => s.push(chunk(0, [[1]]))).toThrow(/1 action dims, expected 2/);
  });
});
