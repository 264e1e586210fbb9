// Regression test for a bug found in review; the describe/it names say the expected behaviour.
import { describe, expect, it } from 'vitest';
import type { ActionChunk } from '../../src/core/types.js';
import { ActionScheduler } from '../../src/policy/action-scheduler.js';

const MS = 1e6;
const chunk = (stampMs: number, rows: number[][]): ActionChunk => ({ dims: rows[0]!.length, horizon: rows.length, values: Float32Array.from(rows.flat()), stampNs: stampMs * MS, periodS: 0.1 });

describe('ActionScheduler.holds counts emitted holds', () => {
  it('non-finite: one count per held action emitted, none for a rejected chunk never held', () => {
    const s = new ActionScheduler({ low: [-1], high: [1] });
    s.push(chunk(0, [[0.5], [0.5], [0.5], [0.5]]));
    s.push(chunk(0, [[Number.NaN], [0], [0], [0]]));
    const reasons = [0, 100, 200].map((t) => s.next(t * MS).reason);
    expect(reasons).toEqual(['non-finite', 'non-finite', 'non-finite']);
    expect(s.holds.nonFinite).toBe(3);
  });
  it('a rejected chunk replaced before any tick emits no hold', () => {
    const s = new ActionScheduler({ low: [-1], high: [1] });
    s.push(chunk(0, [[Number.NaN]]));
    s.push(chunk(0, [[0.1]]));
    expect(s.next(0).hold).toBe(false);
    expect(s.holds.nonFinite).toBe(0);
  });
});
