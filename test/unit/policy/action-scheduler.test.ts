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
    expect(s.next(-100 * MS)).toMatchObject({ hold: true, reason: 'start' });
    expect(s.push(chunk(0, [[0.1], [0.2], [0.3]]))).toEqual({ delayTicks: 0, startIndex: 0, expired: false });
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

  it('starts a chunk that arrives d ticks after its frame at index d (delay-aware switching)', () => {
    const s = new ActionScheduler({ low: [-1], high: [1] });
    // The first chunk (on time) plays ticks 0-300; the next one is late.
    expect(s.push(chunk(0, [[0], [0], [0], [0]]))).toEqual({ delayTicks: 0, startIndex: 0, expired: false });
    [0, 100, 200].forEach((t) => s.next(t * MS));
    // Computed from the frame at 0 ms, it lands after the tick at 200 ms: 3 ticks are past.
    expect(s.push(chunk(0, [[0.1], [0.2], [0.3], [0.4], [0.5]]))).toEqual({ delayTicks: 3, startIndex: 3, expired: false });
    expect([300, 400].map((t) => s.next(t * MS).values[0])).toEqual([0.4, 0.5].map(Math.fround));
  });

  it('starts the first chunk of an episode from rest: index 0 on the tick after it arrives, whatever its delay', () => {
    const s = new ActionScheduler({ low: [-1], high: [1] });
    expect([0, 100, 200].map((t) => s.next(t * MS).reason)).toEqual(['start', 'start', 'start']);
    // Computed from the frame at 0 ms, it lands after the tick at 200 ms: the robot held still
    // through ticks 0-200, so its plan (from rest) starts now, at index 0.
    expect(s.push(chunk(0, [[0.1], [0.2], [0.3], [0.4]]))).toEqual({ delayTicks: 3, startIndex: 0, expired: false });
    expect([300, 400].map((t) => s.next(t * MS).values[0])).toEqual([0.1, 0.2].map(Math.fround));
    // Later chunks are delay-aware: the one from the frame at 300 ms, 2 ticks late, starts at index 2.
    expect(s.push(chunk(300, [[0.5], [0.6], [0.7], [0.8]]))).toEqual({ delayTicks: 2, startIndex: 2, expired: false });
    expect(s.next(500 * MS).values[0]).toBeCloseTo(0.7, 6);
  });

  it('starts the first chunk from rest even when it arrives later than its length, and again after clear()', () => {
    const s = new ActionScheduler({ low: [-1], high: [1], maxIndex: 2 });
    [0, 100, 200, 300].forEach((t) => s.next(t * MS));
    expect(s.push(chunk(0, [[0.1], [0.2], [0.3]]))).toEqual({ delayTicks: 4, startIndex: 0, expired: false });
    expect([400, 500].map((t) => s.next(t * MS).values[0])).toEqual([0.1, 0.2].map(Math.fround));
    expect(s.next(600 * MS)).toMatchObject({ hold: true, reason: 'late' });
    s.clear();
    [0, 100].forEach((t) => s.next(t * MS));
    expect(s.push(chunk(0, [[0.9], [0.8]]))).toEqual({ delayTicks: 2, startIndex: 0, expired: false });
    expect(s.next(200 * MS).values[0]).toBeCloseTo(0.9, 6);
  });

  it('a rejected first chunk leaves the next good one starting from rest', () => {
    const s = new ActionScheduler({ low: [-1], high: [1] });
    [0, 100].forEach((t) => s.next(t * MS));
    expect(s.push(chunk(0, [[Number.NaN], [0]]))).toMatchObject({ expired: true });
    expect(s.next(200 * MS)).toMatchObject({ hold: true, reason: 'non-finite' });
    expect(s.push(chunk(100, [[0.3], [0.4], [0.5]]))).toEqual({ delayTicks: 2, startIndex: 0, expired: false });
    expect(s.next(300 * MS).values[0]).toBeCloseTo(0.3, 6);
  });

  it("firstChunk 'delay-aware' starts the first chunk at index d like the others (for comparison)", () => {
    const s = new ActionScheduler({ low: [-1], high: [1], firstChunk: 'delay-aware' });
    [0, 100, 200].forEach((t) => s.next(t * MS));
    expect(s.push(chunk(0, [[0.1], [0.2], [0.3], [0.4]]))).toEqual({ delayTicks: 3, startIndex: 3, expired: false });
    expect(s.next(300 * MS).values[0]).toBeCloseTo(0.4, 6);
  });

  it('naive switching starts a late chunk at index 0 on the next tick (for comparison)', () => {
    const s = new ActionScheduler({ low: [-1], high: [1], switching: 'naive' });
    [0, 100, 200].forEach((t) => s.next(t * MS));
    expect(s.push(chunk(0, [[0.1], [0.2], [0.3], [0.4]]))).toEqual({ delayTicks: 3, startIndex: 0, expired: false });
    expect([300, 400].map((t) => s.next(t * MS).values[0])).toEqual([0.1, 0.2].map(Math.fround));
  });

  it('never starts a chunk with nothing left: the current one plays on, then holds', () => {
    const s = new ActionScheduler({ low: [-1], high: [1], maxIndex: 4 });
    s.push(chunk(0, [[0.1], [0.2], [0.3], [0.4], [0.5], [0.6]]));
    [0, 100, 200].forEach((t) => s.next(t * MS));
    // From the frame at -100 ms with maxIndex 4: ticks -100..200 are its 4 usable actions, all past.
    expect(s.push(chunk(-100, [[0.9], [0.9], [0.9], [0.9], [0.9]]))).toEqual({ delayTicks: 4, startIndex: 4, expired: true });
    expect(s.expiredChunks).toBe(1);
    expect(s.next(300 * MS).values[0]).toBeCloseTo(0.4, 6);
    expect(s.next(400 * MS)).toMatchObject({ hold: true, reason: 'late' });
  });

  it('ensembles on aligned indices: a late chunk is blended at the index of the tick, not from 0', () => {
    const m = 1;
    const s = new ActionScheduler({ low: [-1], high: [1], ensemble: m });
    s.push(chunk(0, [[0.1], [0.2], [0.3], [0.4]]));
    [0, 100].forEach((t) => s.next(t * MS));
    s.push(chunk(100, [[0.5], [0.6], [0.7]])); // frame at 100 ms, 1 tick late: index 1 at 200 ms
    const w = Math.exp(-m);
    expect(s.next(200 * MS).values[0]).toBeCloseTo((0.3 + w * 0.6) / (1 + w), 6);
  });

  it.each([
    [{ ensemble: Number.POSITIVE_INFINITY }, /ensemble must be a finite number >= 0, got Infinity/],
    [{ ensemble: -1 }, /ensemble must be a finite number >= 0, got -1/],
    [{ ensemble: Number.NaN }, /ensemble must be a finite number >= 0, got NaN/],
    [{ maxIndex: 0 }, /maxIndex must be an integer >= 1, got 0/],
    [{ maxIndex: 1.5 }, /maxIndex must be an integer >= 1, got 1.5/],
    [{ low: [Number.NaN] }, /limits of dim 0 must be finite with low <= high, got \[NaN, 1\]/],
    [{ low: [2] }, /limits of dim 0 must be finite with low <= high, got \[2, 1\]/],
    [{ high: [Number.POSITIVE_INFINITY] }, /limits of dim 0 must be finite/],
    [{ hold: 'previous' }, /hold must be 'last' or 'zero', got 'previous'/],
    [{ switching: 'eager' }, /switching must be 'delay-aware' or 'naive', got 'eager'/],
    [{ firstChunk: 'early' }, /firstChunk must be 'from-rest' or 'delay-aware', got 'early'/],
  ])('validates its options: %o', (bad, message) => {
    expect(() => new ActionScheduler({ low: [-1], high: [1], ...(bad as object) })).toThrow(message);
  });

  it('rejects chunks whose period or stamp would put ticks at infinity, naming the value', () => {
    const s = new ActionScheduler({ low: [-1], high: [1] });
    expect(() => s.push({ ...chunk(0, [[0]]), periodS: 1e300 })).toThrow(/periodS must be in \(0, 3600\] s, got 1e\+300/);
    expect(() => s.push({ ...chunk(0, [[0]]), periodS: 0 })).toThrow(/got 0/);
    expect(() => s.push({ ...chunk(0, [[0]]), stampNs: Number.NaN })).toThrow(/stampNs must be finite, got NaN/);
    expect(() => s.push({ ...chunk(0, [[0]]), horizon: 2 })).toThrow(/horizon 2 x 1 dims has 1 values/);
  });

  it('rejects chunks of the wrong width, naming both', () => {
    const s = new ActionScheduler({ low: [-1, -1], high: [1, 1] });
    expect(() => s.push(chunk(0, [[1]]))).toThrow(/1 action dims, expected 2/);
  });
});
