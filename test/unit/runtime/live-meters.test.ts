// The live evaluation's meters on hand-made ticks and step results: jerk split at chunk
// boundaries, and how far each new chunk's first rows are from the actions already played.
import { describe, expect, it } from 'vitest';
import type { Action, ChunkPlacement, StepResult } from '../../../src/core/types.js';
import { JerkMeter, PrefixMeter } from '../../../src/runtime/live-eval.js';

const MS = 1e6;
const action = (tick: number, v: number, stampMs = tick * 100): Action => ({ values: Float32Array.of(v), stampNs: stampMs * MS, hold: false, reason: '', tick });
/** A step result from the frame at `frameTick` (stamp tick x 100 ms) with one-dim rows. */
const stepped = (frameTick: number, rows: number[], placement: ChunkPlacement): StepResult =>
  ({ chunk: { dims: 1, horizon: rows.length, values: Float32Array.from(rows), stampNs: frameTick * 100 * MS, periodS: 0.1 }, placement, step: 0 }) as unknown as StepResult;

describe('PrefixMeter', () => {
  it('compares rows i < delay of every chunk but the first with the actions played at those ticks (clamped)', () => {
    const meter = new PrefixMeter([-1], [1]);
    [0.1, 0.2, 0.3, 0.4, 0.5].forEach((v, t) => meter.action(action(t, v)));
    // The first chunk is left out: holds played before it, nothing it could be committed to.
    meter.step(stepped(0, [9, 9, 9], { delayTicks: 2, startIndex: 0, expired: false }));
    expect(meter.mean()).toEqual({ prefixError: Number.NaN, prefixRows: 0 });
    // From the frame at tick 2, two ticks late: rows 0, 1 against ticks 2, 3 (0.3, 0.4); row 1
    // is 2.0, clamped to 1, so it is 0.6 off; row 0 equals what played.
    meter.step(stepped(2, [0.3, 2, 0.7], { delayTicks: 2, startIndex: 2, expired: false }));
    const { prefixError, prefixRows } = meter.mean();
    expect(prefixRows).toBe(2);
    expect(prefixError).toBeCloseTo((0 + 0.6) / 2, 6);
  });

  it('ignores expired chunks and frames it has no tick for', () => {
    const meter = new PrefixMeter([-1], [1]);
    [0, 0, 0].forEach((v, t) => meter.action(action(t, v)));
    meter.step(stepped(0, [0, 0], { delayTicks: 1, startIndex: 0, expired: false }));
    meter.step(stepped(1, [0.5, 0.5], { delayTicks: 2, startIndex: 2, expired: true }));
    meter.step(stepped(40, [0.5, 0.5], { delayTicks: 1, startIndex: 1, expired: false }));
    expect(meter.mean().prefixRows).toBe(0);
  });
});

describe('JerkMeter', () => {
  it('splits |a[t] - 2a[t-1] + a[t-2]| by whether tick t is the first of a new chunk', () => {
    const jerk = new JerkMeter();
    const played = [0, 0, 0.5, 0.5, 0.2];
    played.forEach((v, t) => {
      // A chunk started just before tick 3.
      if (t === 3) jerk.step(stepped(1, [0.5, 0.5], { delayTicks: 2, startIndex: 2, expired: false }));
      jerk.action(action(t, v));
    });
    // Tick 2: |0.5 - 0 + 0| = 0.5 (inside); tick 3: |0.5 - 1 + 0| = 0.5 (boundary); tick 4: |0.2 - 1 + 0.5| = 0.3 (inside).
    const { jerkBoundary, jerkInside } = jerk.means();
    expect(jerkBoundary).toBeCloseTo(0.5, 6);
    expect(jerkInside).toBeCloseTo((0.5 + 0.3) / 2, 6);
  });
});
