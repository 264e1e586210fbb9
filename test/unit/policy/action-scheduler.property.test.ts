// Safety invariants of the ActionScheduler as properties (fast-check): for any chunk values and
// any valid options, no emitted action is NaN/Inf or outside the limits; a late chunk leads to a
// hold or to the action due now, never to replaying actions meant for ticks already past (the
// episode's first chunk, started from rest, plays its plan from index 0 from the tick after it came).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActionChunk } from '../../../src/core/types.js';
import { ActionScheduler, type ActionSchedulerOptions } from '../../../src/policy/action-scheduler.js';

const PERIOD_NS = 1e8;
const DIMS = 2;

const limits = fc
  .array(fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: 0, max: 1e3, noNaN: true })), { minLength: DIMS, maxLength: DIMS })
  .map((pairs) => ({ low: pairs.map(([lo]) => lo), high: pairs.map(([lo, width]) => lo + width) }));

const options = fc.record({
  ensemble: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e3, noNaN: true })),
  maxIndex: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
  hold: fc.constantFrom('last' as const, 'zero' as const),
  switching: fc.constantFrom('delay-aware' as const, 'naive' as const),
  firstChunk: fc.constantFrom('from-rest' as const, 'delay-aware' as const),
});

/** Any float, including NaN, ±Infinity, huge and tiny values. */
const anyValue = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3.4e38, -3.4e38, 1e-45));

/** A program: ticks, and chunks computed from the frame `back` ticks before the next one. */
const op = fc.oneof(
  fc.record({ kind: fc.constant('tick' as const) }),
  fc.record({ kind: fc.constant('chunk' as const), back: fc.integer({ min: 0, max: 12 }), horizon: fc.integer({ min: 1, max: 8 }), values: fc.array(anyValue, { minLength: 8 * DIMS, maxLength: 8 * DIMS }) }),
);

const makeChunk = (frameTick: number, horizon: number, values: Float32Array): ActionChunk => ({ dims: DIMS, horizon, values, stampNs: frameTick * PERIOD_NS, periodS: PERIOD_NS / 1e9 });

describe('ActionScheduler safety properties', () => {
  it('never emits NaN/Inf or a value outside the limits, for any chunk values and options', () => {
    fc.assert(
      fc.property(limits, options, fc.array(op, { maxLength: 60 }), (lim, opts, program) => {
        const s = new ActionScheduler({ ...lim, ...(opts as Omit<ActionSchedulerOptions, 'low' | 'high'>) });
        let tick = 0;
        for (const step of program) {
          if (step.kind === 'chunk') {
            s.push(makeChunk(tick - step.back, step.horizon, Float32Array.from(step.values.slice(0, step.horizon * DIMS))));
            continue;
          }
          const action = s.next(tick++ * PERIOD_NS);
          for (let d = 0; d < DIMS; d++) {
            const v = action.values[d]!;
            expect(Number.isFinite(v)).toBe(true);
            // Float32 rounding of a limit may step just outside it by one ulp of float32.
            expect(v).toBeGreaterThanOrEqual(Math.fround(lim.low[d]!) - Math.abs(lim.low[d]!) * 1e-7);
            expect(v).toBeLessThanOrEqual(Math.fround(lim.high[d]!) + Math.abs(lim.high[d]!) * 1e-7);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each(['delay-aware', 'from-rest'] as const)('a late chunk leads to the action due now or to a hold, never to an action meant for a past tick (first chunk %s)', (firstChunk) => {
    // Values name (chunk, index): chunk c's action i is c * 100 + i; no blending, wide limits.
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ kind: fc.constant('tick' as const) }), fc.record({ kind: fc.constant('chunk' as const), back: fc.integer({ min: 0, max: 12 }), horizon: fc.integer({ min: 1, max: 8 }) })), { maxLength: 80 }),
        fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
        (program, maxIndex) => {
          const s = new ActionScheduler({ low: [-1e6, -1e6], high: [1e6, 1e6], firstChunk, ...(maxIndex ? { maxIndex } : {}) });
          /** The tick each chunk's index 0 is due at: its frame's, or (started from rest) the tick after it came. */
          const anchorTickOf: number[] = [];
          let started = 0;
          let tick = 0;
          let lastPlayed: { chunk: number; index: number } | undefined;
          for (const step of program) {
            if (step.kind === 'chunk') {
              const id = anchorTickOf.length;
              const frameTick = tick - step.back;
              const placement = s.push(makeChunk(frameTick, step.horizon, Float32Array.from({ length: step.horizon * DIMS }, (_, k) => id * 100 + Math.floor(k / DIMS))));
              const fromRest = placement.delayTicks > 0 && placement.startIndex === 0;
              // Only a late first chunk, and only with 'from-rest', starts from rest.
              expect(fromRest).toBe(firstChunk === 'from-rest' && started === 0 && placement.delayTicks > 0 && !placement.expired);
              if (!placement.expired) started++;
              anchorTickOf.push(fromRest ? tick : frameTick);
              continue;
            }
            const action = s.next(tick * PERIOD_NS);
            if (!action.hold) {
              const id = Math.floor(action.values[0]! / 100);
              const index = action.values[0]! % 100;
              // The action played at this tick is the one its chunk planned for this tick…
              expect(anchorTickOf[id]! + index).toBe(tick);
              expect(index).toBeLessThan(Math.min(8, maxIndex ?? 8));
              // …and never one of an older chunk once a newer one has played.
              if (lastPlayed) expect(id).toBeGreaterThanOrEqual(lastPlayed.chunk);
              lastPlayed = { chunk: id, index };
            }
            tick++;
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
