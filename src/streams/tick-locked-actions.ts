// tickLockedActions: the control clock of a live run. The source's observations ARE the clock —
// a fixed-rate source (real-time simulator, camera, joint states) stamps each frame at a tick —
// so each observation emits the action due at its tick, once: never skipped by a free-running
// timer's drift, never doubled. Chunks (from policy steps on earlier frames) go to the
// ActionScheduler as they arrive; it anchors each at its frame's stamp and starts it at the
// first tick still ahead. When observations stop, a fallback timer on the local monotonic clock
// emits each tick at its deadline (half a period late by default) from the plan, which holds
// once the plan runs out; a frame that then arrives for a tick already emitted emits nothing.
import { Observable, asyncScheduler, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { Action, ActionChunk, ChunkPlacement } from '../core/types.js';

/** The scheduler side the clock drives (ActionScheduler implements it). */
export interface TickPlanner {
  push(chunk: ActionChunk): ChunkPlacement;
  next(tickStampNs: number): Action;
}

/** How far one frame's stamp moves the tick grid (the loop filter of the phase lock). */
const GRID_GAIN = 1 / 8;
/** Frames remembered for placing chunks (a chunk older than this many frames is long expired). */
const FRAME_MEMORY = 64;

export interface TickCounters {
  /** Ticks emitted. */
  ticks: number;
  /** Ticks emitted by the fallback clock because their frame was late or missing. */
  fallbackTicks: number;
  /** Ticks that passed without an action (frames lost: the source ticked, no frame arrived in time to act on). */
  skippedTicks: number;
  /** Frames whose tick was already emitted (late after a fallback) or that repeat a tick. */
  staleFrames: number;
}

export interface TickLockedOptions<C> {
  /** The source's control period in ns. */
  readonly periodNs: number;
  /** How long after a tick's expected arrival the fallback clock emits it. Default: half a period. */
  readonly graceNs?: number;
  /** Timers and `now()` of the fallback clock. Default: rxjs asyncScheduler (the process clock). */
  readonly scheduler?: SchedulerLike;
  readonly counters?: TickCounters;
  /**
   * How frames are numbered: 'stamp' (default) from their stamps on the period grid; 'index'
   * from the source's own frame counter (`index`, e.g. the simulator's step), which no jitter of
   * the stamps can move.
   */
  readonly ticksFrom?: 'stamp' | 'index';
  /** Called for each frame that emitted its tick, with the tick (before any step starts on it). */
  readonly onFrameTick?: (stampNs: number, tick: number) => void;
  /** Called when a chunk reached the scheduler, with where it starts. */
  readonly onChunk?: (item: C, placement: ChunkPlacement) => void;
}

/** An emitted action with the tick it is for. */
export interface TickAction extends Action {
  readonly tick: number;
  /** Emitted by the fallback clock (its frame was late or missing). */
  readonly fallback: boolean;
}

export function newTickCounters(): TickCounters {
  return { ticks: 0, fallbackTicks: 0, skippedTicks: 0, staleFrames: 0 };
}

/**
 * Completes when the frames and the chunks have both completed (an in-flight step still lands).
 * @example
 * const frame$ = observation$.pipe(share());
 * frame$.pipe(tickLockedActions(scheduler, frame$.pipe(stepLatest(step)), { periodNs: 100e6 }))
 * // frames   a---------b---------c--   (stamps 0, 100, 200 ms)
 * // chunks   ----X--------------------  (computed from a, arrives 40 ms later: delay 1 tick)
 * // actions  h---1---------2--------   (hold at tick 0, then X[1] at tick 1, X[2] at tick 2)
 */
export function tickLockedActions<C extends { readonly chunk: ActionChunk }>(
  planner: TickPlanner,
  chunk$: Observable<C>,
  options: TickLockedOptions<C>,
): OperatorFunction<{ readonly stampNs: number; readonly index?: number }, TickAction> {
  const { periodNs } = options;
  if (!(periodNs > 0 && Number.isFinite(periodNs))) throw new RangeError(`tickLockedActions: periodNs must be a positive finite number, got ${periodNs}`);
  const graceNs = options.graceNs ?? periodNs / 2;
  if (!(graceNs >= 0 && graceNs < periodNs)) throw new RangeError(`tickLockedActions: graceNs must be in [0, periodNs), got ${graceNs}`);
  const clock = options.scheduler ?? asyncScheduler;
  const byIndex = options.ticksFrom === 'index';
  return (frame$) =>
    new Observable<TickAction>((subscriber) => {
      const counters = options.counters ?? newTickCounters();
      /** The newest frame's tick, the grid's stamp for it (jitter filtered) and its arrival on our clock (ms). */
      let anchor: { tick: number; gridNs: number; arrivedMs: number } | undefined;
      /** Recent frames' stamps → ticks, to place chunks on the tick of their frame exactly. */
      const frameTicks = new Map<number, number>();
      let lastEmitted = -1;
      let firstIndex = 0;
      let fallback: Subscription | undefined;
      let framesDone = false;
      let chunksDone = false;

      // The planner works on the pure tick grid (tick t at t * period): its index arithmetic is
      // then exact, whatever the jitter of the source's stamps.
      const emit = (tick: number, stampNs: number, byFallback: boolean): void => {
        if (lastEmitted >= 0 && tick > lastEmitted + 1) counters.skippedTicks += tick - lastEmitted - 1;
        lastEmitted = tick;
        counters.ticks++;
        if (byFallback) counters.fallbackTicks++;
        subscriber.next({ ...planner.next(tick * periodNs), stampNs, tick, fallback: byFallback });
      };
      const armFallback = (): void => {
        fallback?.unsubscribe();
        const a = anchor!;
        const tick = lastEmitted + 1;
        const dueMs = a.arrivedMs + ((tick - a.tick) * periodNs + graceNs) / 1e6;
        fallback = clock.schedule(() => {
          emit(tick, Math.round(a.gridNs + (tick - a.tick) * periodNs), true);
          armFallback();
        }, Math.max(0, dueMs - clock.now()));
      };
      const tickOf = (stampNs: number): number => frameTicks.get(stampNs) ?? (anchor ? anchor.tick + Math.round((stampNs - anchor.gridNs) / periodNs) : 0);
      const finish = (): void => {
        if (framesDone && chunksDone) subscriber.complete();
      };

      const frames = frame$.subscribe({
        next: (frame) => {
          let tick = 0;
          let gridNs = frame.stampNs;
          if (byIndex && !Number.isSafeInteger(frame.index)) {
            subscriber.error(new TypeError(`tickLockedActions: ticksFrom 'index' needs an integer frame index, got ${frame.index}`));
            return;
          }
          if (!anchor) firstIndex = frame.index ?? 0;
          if (anchor) {
            const steps = byIndex ? frame.index! - firstIndex - anchor.tick : Math.round((frame.stampNs - anchor.gridNs) / periodNs);
            if (steps < 1) {
              counters.staleFrames++;
              return;
            }
            tick = anchor.tick + steps;
            // A first-order phase-locked loop: the grid follows the source's clock (its rate and
            // phase) while one frame's jitter moves it by only GRID_GAIN of its error.
            const predicted = anchor.gridNs + steps * periodNs;
            gridNs = predicted + GRID_GAIN * (frame.stampNs - predicted);
          }
          if (tick <= lastEmitted) {
            // Its tick went out at the deadline already; the armed fallback keeps the grid.
            counters.staleFrames++;
            return;
          }
          anchor = { tick, gridNs, arrivedMs: clock.now() };
          frameTicks.set(frame.stampNs, tick);
          if (frameTicks.size > FRAME_MEMORY) frameTicks.delete(frameTicks.keys().next().value!);
          emit(tick, frame.stampNs, false);
          options.onFrameTick?.(frame.stampNs, tick);
          armFallback();
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          framesDone = true;
          fallback?.unsubscribe();
          finish();
        },
      });
      const chunks = chunk$.subscribe({
        next: (item) => {
          const placement = planner.push({ ...item.chunk, stampNs: tickOf(item.chunk.stampNs) * periodNs });
          options.onChunk?.(item, placement);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          chunksDone = true;
          finish();
        },
      });
      return () => {
        fallback?.unsubscribe();
        frames.unsubscribe();
        chunks.unsubscribe();
      };
    });
}
