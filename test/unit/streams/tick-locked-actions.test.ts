// The control clock on virtual time only: frames are ticks, chunks land on the tick grid by the
// stamp of their frame, the fallback clock covers frames that are late or lost, nothing is
// skipped or doubled. Marble time: 1 frame = 1 ms, control period 10 ms.
import { Subject, VirtualTimeScheduler, map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { ActionChunk } from '../../../src/core/types.js';
import { ActionScheduler } from '../../../src/policy/action-scheduler.js';
import { newTickCounters, tickLockedActions, type TickAction } from '../../../src/streams/tick-locked-actions.js';

const MS = 1e6;
const PERIOD_NS = 10 * MS;
const frame = (ms: number): { stampNs: number } => ({ stampNs: ms * MS });
/** A chunk from the frame at `stampMs` whose action i is `base + i`. */
const chunk = (stampMs: number, base: number, horizon = 8): { chunk: ActionChunk } => ({
  chunk: { dims: 1, horizon, values: Float32Array.from({ length: horizon }, (_, i) => base + i), stampNs: stampMs * MS, periodS: PERIOD_NS / 1e9 },
});
/**
 * These tests place every chunk by its frame's stamp, the first one too ('delay-aware'); the
 * default start of an episode's first chunk from rest is tested on its own below.
 */
const planner = (switching: 'delay-aware' | 'naive' = 'delay-aware', firstChunk: 'delay-aware' | 'from-rest' = 'delay-aware'): ActionScheduler =>
  new ActionScheduler({ low: [-1e6], high: [1e6], switching, firstChunk });
/** `tick:value`, or `tick:h` for a hold. */
const label = (a: TickAction): string => `${a.tick}:${a.hold ? 'h' : a.values[0]}`;
const testScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('tickLockedActions', () => {
  it('emits one action per frame, in tick order, across chunk switches (chunks 1 tick late start at index 1)', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const frames = hot('a 9ms b 9ms c 9ms d 9ms e |', { a: frame(0), b: frame(10), c: frame(20), d: frame(30), e: frame(40) });
      // A from frame 0 lands at 4 ms; B from frame 20 at 27 ms (both after their own tick).
      const chunks = hot('    4ms A 22ms B 17ms |', { A: chunk(0, 0), B: chunk(20, 10) });
      const out = frames.pipe(tickLockedActions(planner(), chunks, { periodNs: PERIOD_NS }), map(label));
      expectObservable(out).toBe('a 9ms b 9ms c 9ms d 9ms e 4ms |', { a: '0:h', b: '1:1', c: '2:2', d: '3:11', e: '4:12' });
      expectSubscriptions(frames.subscriptions).toBe('^ 40ms !');
      expectSubscriptions(chunks.subscriptions).toBe('^ 44ms !');
    });
  });

  it('reports where each chunk started', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const frames = hot('a 9ms b 9ms c 9ms d 9ms e', { a: frame(0), b: frame(10), c: frame(20), d: frame(30), e: frame(40) });
      const chunks = hot('    2ms A 11ms B 21ms C', { A: chunk(0, 0), B: chunk(0, 100), C: chunk(10, 200, 3) });
      const placements: unknown[] = [];
      const out = frames.pipe(tickLockedActions(planner(), chunks, { periodNs: PERIOD_NS, onChunk: (_, p) => placements.push(p) }), map(label));
      // B (frame 0) lands at 14 ms: ticks 0 and 1 are past, it starts at index 2. C (frame 10,
      // horizon 3) lands at 36 ms, when only index 3 would be left: it never starts.
      // (Unsubscribed at 45 ms: frames that never complete would keep the fallback clock going.)
      expectObservable(out, '^ 44ms !').toBe('a 9ms b 9ms c 9ms d 9ms e', { a: '0:h', b: '1:1', c: '2:102', d: '3:103', e: '4:104' });
      return () =>
        expect(placements).toEqual([
          { delayTicks: 1, startIndex: 1, expired: false },
          { delayTicks: 2, startIndex: 2, expired: false },
          { delayTicks: 3, startIndex: 3, expired: true },
        ]);
    });
  });

  it('starts a late chunk at the current tick; naive switching replays it from index 0', () => {
    for (const [switching, expected] of [
      ['delay-aware', '4:4'],
      ['naive', '4:0'],
    ] as const) {
      testScheduler().run(({ hot, expectObservable }) => {
        const frames = hot('a 9ms b 9ms c 9ms d 9ms e 9ms f', { a: frame(0), b: frame(10), c: frame(20), d: frame(30), e: frame(40), f: frame(50) });
        // Computed from frame 0, lands at 34 ms: four ticks late.
        const chunks = hot('    34ms A', { A: chunk(0, 0) });
        const out = frames.pipe(tickLockedActions(planner(switching), chunks, { periodNs: PERIOD_NS }), map(label));
        const next = switching === 'naive' ? '5:1' : '5:5';
        expectObservable(out, '^ 51ms !').toBe('a 9ms b 9ms c 9ms d 9ms e 9ms f', { a: '0:h', b: '1:h', c: '2:h', d: '3:h', e: expected, f: next });
      });
    }
  });

  it("starts the episode's first chunk from rest (index 0 on the next tick), later late chunks at their delay", () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const frames = hot('a 9ms b 9ms c 9ms d 9ms e 9ms f 9ms g', { a: frame(0), b: frame(10), c: frame(20), d: frame(30), e: frame(40), f: frame(50), g: frame(60) });
      // A from frame 0 lands at 14 ms (2 ticks late): index 0 at tick 2. B from frame 30 lands at
      // 44 ms (2 ticks late): index 2 at tick 5.
      const chunks = hot('    14ms A 29ms B', { A: chunk(0, 0), B: chunk(30, 100) });
      const placements: unknown[] = [];
      const out = frames.pipe(tickLockedActions(planner('delay-aware', 'from-rest'), chunks, { periodNs: PERIOD_NS, onChunk: (_, p) => placements.push(p) }), map(label));
      expectObservable(out, '^ 61ms !').toBe('a 9ms b 9ms c 9ms d 9ms e 9ms f 9ms g', { a: '0:h', b: '1:h', c: '2:0', d: '3:1', e: '4:2', f: '5:102', g: '6:103' });
      return () =>
        expect(placements).toEqual([
          { delayTicks: 2, startIndex: 0, expired: false },
          { delayTicks: 2, startIndex: 2, expired: false },
        ]);
    });
  });

  it('falls back to its own clock at the deadline when a frame is lost or late, and never doubles a tick', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const counters = newTickCounters();
      // Frame 20 is lost; frame 40 arrives at 47 ms (past its 45 ms deadline); frame 50 on time.
      const frames = hot('a 9ms b 19ms d 16ms e 2ms f |', { a: frame(0), b: frame(10), d: frame(30), e: frame(40), f: frame(50) });
      const chunks = hot('1ms A', { A: chunk(0, 0) });
      const out = frames.pipe(tickLockedActions(planner(), chunks, { periodNs: PERIOD_NS, counters }), map(label));
      expectObservable(out).toBe('a 9ms b 14ms c 4ms d 14ms e 4ms f', { a: '0:h', b: '1:1', c: '2:2', d: '3:3', e: '4:4', f: '5:5' });
      return () => expect(counters).toEqual({ ticks: 6, fallbackTicks: 2, skippedTicks: 0, staleFrames: 1 });
    });
  });

  it('covers every tick from its own clock while frames stop, then resyncs on the next frame', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const counters = newTickCounters();
      const frames = hot('a 9ms b 39ms f', { a: frame(0), b: frame(10), f: frame(50) });
      const chunks = hot('1ms A', { A: chunk(0, 0) });
      const out = frames.pipe(tickLockedActions(planner(), chunks, { periodNs: PERIOD_NS, counters }), map(label));
      expectObservable(out, '^ 55ms !').toBe('a 9ms b 14ms c 9ms d 9ms e 4ms f', { a: '0:h', b: '1:1', c: '2:2', d: '3:3', e: '4:4', f: '5:5' });
      return () => expect(counters).toMatchObject({ ticks: 6, fallbackTicks: 3, skippedTicks: 0 });
    });
  });

  it('counts the ticks a frame jumps over when no fallback ran (the source\'s stamps number the ticks)', () => {
    const counters = newTickCounters();
    const frames = new Subject<{ stampNs: number }>();
    const chunks = new Subject<{ chunk: ActionChunk }>();
    const clock = new VirtualTimeScheduler();
    const seen: string[] = [];
    frames.pipe(tickLockedActions(planner(), chunks, { periodNs: PERIOD_NS, counters, scheduler: clock })).subscribe((a) => seen.push(label(a)));
    // Virtual time never advances: the source's stamps alone number the ticks.
    frames.next(frame(0));
    frames.next(frame(30));
    expect(seen).toEqual(['0:h', '3:h']);
    expect(counters.skippedTicks).toBe(2);
  });

  it("ticksFrom 'index': the source's frame counter numbers the ticks, whatever the jitter of its stamps", () => {
    testScheduler().run(({ hot, expectObservable }) => {
      // Stamps 0, 17, 18, 38 ms (a late timer, then a catch-up tick) for frames 5, 6, 7, 8.
      const at = (index: number, ms: number): { stampNs: number; index: number } => ({ stampNs: ms * MS, index });
      const frames = hot('a 9ms b 9ms c 9ms d', { a: at(5, 0), b: at(6, 17), c: at(7, 18), d: at(8, 38) });
      const chunks = hot('1ms A', { A: chunk(0, 0) });
      const counters = newTickCounters();
      const out = frames.pipe(tickLockedActions(planner(), chunks, { periodNs: PERIOD_NS, ticksFrom: 'index', counters }), map(label));
      expectObservable(out, '^ 31ms !').toBe('a 9ms b 9ms c 9ms d', { a: '0:h', b: '1:1', c: '2:2', d: '3:3' });
      return () => expect(counters).toMatchObject({ ticks: 4, skippedTicks: 0, staleFrames: 0 });
    });
  });

  it('unsubscribes the frames, the chunks and its fallback timer on teardown', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const frames = hot('a 9ms b', { a: frame(0), b: frame(10) });
      const chunks = hot<{ chunk: ActionChunk }>('-');
      const out = frames.pipe(tickLockedActions(planner(), chunks, { periodNs: PERIOD_NS }), map(label));
      // Unsubscribed at 12 ms: the fallback for tick 2 (due at 25 ms) never fires.
      expectObservable(out, '^ 11ms !').toBe('a 9ms b', { a: '0:h', b: '1:h' });
      expectSubscriptions(frames.subscriptions).toBe('^ 11ms !');
      expectSubscriptions(chunks.subscriptions).toBe('^ 11ms !');
    });
  });

  it('forwards errors of either input', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const frames = hot('a 9ms #', { a: frame(0) });
      expectObservable(frames.pipe(tickLockedActions(planner(), hot<{ chunk: ActionChunk }>('-'), { periodNs: PERIOD_NS }), map(label))).toBe('a 9ms #', { a: '0:h' });
      const chunks = hot<{ chunk: ActionChunk }>('5ms #');
      expectObservable(hot('a', { a: frame(0) }).pipe(tickLockedActions(planner(), chunks, { periodNs: PERIOD_NS }), map(label))).toBe('a 4ms #', { a: '0:h' });
    });
  });

  it('rejects a bad period or grace, naming the value', () => {
    expect(() => tickLockedActions(planner(), new Subject<{ chunk: ActionChunk }>(), { periodNs: 0 })).toThrow(/periodNs must be a positive finite number, got 0/);
    expect(() => tickLockedActions(planner(), new Subject<{ chunk: ActionChunk }>(), { periodNs: 10, graceNs: 10 })).toThrow(/graceNs must be in \[0, periodNs\), got 10/);
  });

  // rate 1.003: a camera 0.3 % slower than its nominal rate — 30 periods behind after 10,000 ticks.
  it.each([1, 1.003])('10,000 ticks of jittered frames at %s x the period: one action per tick, each the plan for its tick, no drift', (rate) => {
    // A seeded generator, so the jitter is the same on every run.
    let state = 12345;
    const random = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const clock = new VirtualTimeScheduler(undefined, Number.POSITIVE_INFINITY);
    const frames = new Subject<{ stampNs: number }>();
    const chunks = new Subject<{ chunk: ActionChunk }>();
    const counters = newTickCounters();
    const seen: TickAction[] = [];
    frames.pipe(tickLockedActions(planner(), chunks, { periodNs: PERIOD_NS, counters, scheduler: clock })).subscribe((a) => seen.push(a));
    const TICKS = 10_000;
    // Each frame schedules the next, so the virtual queue stays short.
    const deliver = (t: number): void => {
      if (t === TICKS) return void clock.schedule(() => frames.complete(), 1);
      // Stamps jitter ±3 ms around the grid; delivery takes 0–4 ms more (under the 5 ms grace).
      const stampMs = t * 10 * rate + (random() - 0.5) * 6;
      const arriveMs = t * 10 * rate + 3 + random() * 4;
      clock.schedule(() => {
        frames.next(frame(stampMs));
        // Every 4th frame is stepped; its chunk (action i = the tick it is for) lands 6 ms later.
        if (t % 4 === 0) clock.schedule(() => chunks.next(chunk(stampMs, t)), 6);
        deliver(t + 1);
      }, arriveMs - clock.now());
    };
    deliver(0);
    clock.flush();
    expect(seen).toHaveLength(TICKS);
    expect(seen.map((a) => a.tick)).toEqual(Array.from({ length: TICKS }, (_, t) => t));
    expect(seen.filter((a) => a.hold).map((a) => a.tick)).toEqual([0]);
    expect(seen.slice(1).every((a) => a.values[0] === a.tick)).toBe(true);
    const drift = Math.max(...seen.map((a) => Math.abs(a.stampNs - a.tick * PERIOD_NS * rate)));
    expect(drift).toBeLessThan(PERIOD_NS);
    expect(counters).toEqual({ ticks: TICKS, fallbackTicks: 0, skippedTicks: 0, staleFrames: 0 });
  });
});
