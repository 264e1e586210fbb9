// ActionScheduler: turns action chunks into one action per control tick. Action i of a chunk
// is due at the tick chunk.stampNs + i * period (the frame the chunk was computed from anchors
// its step 0). A chunk that arrives after some of its ticks were already emitted starts at the
// first tick still ahead (delay-aware switching); one with nothing left is never started. The
// episode's first chunk is the exception: the robot held still until it came, so it plays from
// index 0 (its plan starts from rest, where the robot still is).
// Overlapping chunks can be blended (temporal ensembling, ACT-style exponential weights) on
// these aligned indices; values are clamped to the limits; a non-finite value or a chunk late
// past its end yields a hold action instead of anything unsafe.
import type { Action, ActionChunk, ChunkPlacement } from '../core/types.js';
import { clamp } from '../core/clamp.js';

/** Longest control period accepted (1 hour): beyond it the tick stamps stop being meaningful. */
const MAX_PERIOD_S = 3600;

export interface ActionSchedulerOptions {
  readonly low: readonly number[];
  readonly high: readonly number[];
  /**
   * Temporal ensembling: 0 uses only the newest chunk; m > 0 averages every chunk that covers
   * the tick with weight exp(-m * age), age 0 for the oldest (ACT's convention). Default 0.
   */
  readonly ensemble?: number;
  /** Use at most this many actions of each chunk (the manifest's `execute` for a receding horizon). Default: the whole chunk. */
  readonly maxIndex?: number;
  /** What a hold emits: the last action sent, or zeros. Default 'last'. */
  readonly hold?: 'last' | 'zero';
  /**
   * Where a chunk that arrives d ticks after its frame starts. 'delay-aware' (default): at index
   * d, the action due now. 'naive': at index 0 on the next tick, replaying actions meant for
   * ticks already past (what a runtime unaware of its latency does; kept for comparison).
   */
  readonly switching?: 'delay-aware' | 'naive';
  /**
   * Where the episode's first chunk starts when it arrives d ticks late. 'from-rest' (default):
   * at index 0 on the next tick. Nothing played before it — the ticks in between were holds at
   * the initial action — so none of its actions was superseded and the robot is still where the
   * frame showed it: the plan from there is the one to follow, d ticks later. Started at index d
   * instead, it would leave the robot d steps of motion behind its own plan (a grip closed short
   * of the block). 'delay-aware': at index d, like every later chunk (for comparison).
   */
  readonly firstChunk?: 'from-rest' | 'delay-aware';
  /** Called when a chunk holds a NaN or infinite value (the action is held instead). */
  readonly onError?: (error: Error) => void;
}

interface Scheduled {
  readonly values: Float32Array;
  readonly horizon: number;
  /** The tick of index 0 (the frame's stamp; the tick after its arrival when it starts from index 0 late). */
  readonly anchorNs: number;
  readonly periodNs: number;
}

export class ActionScheduler {
  private chunks: Scheduled[] = [];
  private last: Float32Array;
  private readonly dims: number;
  private readonly ensemble: number;
  private readonly maxIndex: number;
  private readonly switching: 'delay-aware' | 'naive';
  private readonly firstFromRest: boolean;
  /** Stamp of the last tick emitted; chunks placed after it start at the next one. */
  private lastTickNs: number | undefined;
  /** The newest chunk was rejected: hold until a good one arrives. */
  private poisoned = false;
  private pushedAny = false;
  /** Holds emitted so far, by reason. */
  readonly holds = { start: 0, late: 0, nonFinite: 0 };
  /** Chunks refused for a NaN or infinite value. */
  rejectedChunks = 0;
  /** Chunks that arrived with nothing left to play (never started). */
  expiredChunks = 0;

  constructor(private readonly options: ActionSchedulerOptions) {
    const { low, high } = options;
    if (low.length !== high.length) throw new RangeError(`ActionScheduler: low has ${low.length} values, high ${high.length}`);
    low.forEach((lo, d) => {
      const hi = high[d]!;
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new RangeError(`ActionScheduler: limits of dim ${d} must be finite with low <= high, got [${lo}, ${hi}]`);
    });
    this.dims = low.length;
    this.ensemble = options.ensemble ?? 0;
    if (!(this.ensemble >= 0 && Number.isFinite(this.ensemble))) throw new RangeError(`ActionScheduler: ensemble must be a finite number >= 0, got ${this.ensemble}`);
    this.maxIndex = options.maxIndex ?? Number.POSITIVE_INFINITY;
    if (options.maxIndex !== undefined && !(Number.isInteger(options.maxIndex) && options.maxIndex >= 1)) throw new RangeError(`ActionScheduler: maxIndex must be an integer >= 1, got ${options.maxIndex}`);
    const hold: unknown = options.hold ?? 'last';
    if (hold !== 'last' && hold !== 'zero') throw new RangeError(`ActionScheduler: hold must be 'last' or 'zero', got '${String(hold)}'`);
    const switching: unknown = options.switching ?? 'delay-aware';
    if (switching !== 'delay-aware' && switching !== 'naive') throw new RangeError(`ActionScheduler: switching must be 'delay-aware' or 'naive', got '${String(switching)}'`);
    this.switching = switching;
    const firstChunk: unknown = options.firstChunk ?? 'from-rest';
    if (firstChunk !== 'from-rest' && firstChunk !== 'delay-aware') throw new RangeError(`ActionScheduler: firstChunk must be 'from-rest' or 'delay-aware', got '${String(firstChunk)}'`);
    this.firstFromRest = firstChunk === 'from-rest';
    this.last = new Float32Array(this.dims).map((_, d) => clamp(0, low[d]!, high[d]!));
  }

  /**
   * Adds a chunk and says where it starts. A chunk with non-finite values is rejected (error
   * event; the previous chunks stay, and ticks hold until a good chunk arrives).
   */
  push(chunk: ActionChunk): ChunkPlacement {
    if (chunk.dims !== this.dims) throw new RangeError(`ActionScheduler: chunk has ${chunk.dims} action dims, expected ${this.dims}`);
    if (!(chunk.periodS > 0 && chunk.periodS <= MAX_PERIOD_S)) throw new RangeError(`ActionScheduler: chunk periodS must be in (0, ${MAX_PERIOD_S}] s, got ${chunk.periodS}`);
    if (!Number.isFinite(chunk.stampNs)) throw new RangeError(`ActionScheduler: chunk stampNs must be finite, got ${chunk.stampNs}`);
    if (!(Number.isInteger(chunk.horizon) && chunk.horizon >= 1 && chunk.values.length === chunk.horizon * chunk.dims)) {
      throw new RangeError(`ActionScheduler: chunk of horizon ${chunk.horizon} x ${chunk.dims} dims has ${chunk.values.length} values`);
    }
    const periodNs = chunk.periodS * 1e9;
    // Ticks of this chunk already emitted: the first one still ahead is the tick after the last.
    const delayTicks = this.lastTickNs === undefined ? 0 : Math.max(0, Math.round((this.lastTickNs - chunk.stampNs) / periodNs) + 1);
    const bad = chunk.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      this.rejectedChunks++;
      this.options.onError?.(new RangeError(`action chunk from stamp ${chunk.stampNs}: value ${chunk.values[bad]} at step ${Math.floor(bad / chunk.dims)}, dim ${bad % chunk.dims}; holding`));
      this.poisoned = true;
      return { delayTicks, startIndex: 0, expired: true };
    }
    // From index 0 on the next tick: naive switching always; the first chunk when it starts from rest.
    const fromNextTick = delayTicks > 0 && (this.switching === 'naive' || (this.firstFromRest && !this.pushedAny));
    const startIndex = fromNextTick ? 0 : delayTicks;
    if (startIndex >= Math.min(chunk.horizon, this.maxIndex)) {
      // Everything of it is in the past: keep what plays now (or hold at its end), never start it.
      this.expiredChunks++;
      return { delayTicks, startIndex, expired: true };
    }
    this.poisoned = false;
    this.pushedAny = true;
    const anchorNs = fromNextTick ? this.lastTickNs! + periodNs : chunk.stampNs;
    this.chunks.push({ values: chunk.values, horizon: chunk.horizon, anchorNs, periodNs });
    if (this.ensemble === 0) this.chunks = [this.chunks.at(-1)!];
    return { delayTicks, startIndex, expired: false };
  }

  /** The action due at the tick stamped `nowNs`; a hold when no chunk covers it (or the newest chunk was bad). */
  next(nowNs: number): Action {
    this.lastTickNs = nowNs;
    // Chunks whose last usable action is past are dropped.
    this.chunks = this.chunks.filter((s) => this.indexAt(s, nowNs) < this.usable(s));
    if (this.poisoned) return this.emitHold(nowNs, 'non-finite');
    const covering = this.chunks.filter((s) => this.indexAt(s, nowNs) >= 0);
    if (covering.length === 0) return this.emitHold(nowNs, this.pushedAny ? 'late' : 'start');
    const values = this.blend(covering, nowNs);
    // Belt and braces: finite inputs and weights cannot give NaN, but nothing unsafe leaves here.
    if (!values.every(Number.isFinite)) return this.emitHold(nowNs, 'non-finite');
    this.last = values;
    return { values, stampNs: nowNs, hold: false, reason: '' };
  }

  /**
   * What the ticks from `fromNs` on will play, as planned now (no state changes): `count` rows of
   * actions, row-major, stopping at the first tick no good chunk covers. Real-time chunking
   * passes this committed prefix to the sampler of the next chunk.
   */
  planned(fromNs: number, count: number): Float32Array {
    const rows: number[] = [];
    if (this.poisoned) return new Float32Array(0);
    for (let r = 0; r < count; r++) {
      const tickNs = fromNs + r * (this.chunks[0]?.periodNs ?? 0);
      const covering = this.chunks.filter((s) => {
        const i = this.indexAt(s, tickNs);
        return i >= 0 && i < this.usable(s);
      });
      if (covering.length === 0) break;
      rows.push(...this.blend(covering, tickNs));
    }
    return Float32Array.from(rows);
  }

  /** Forgets queued chunks and the tick grid (episode end); the last action stays for holds. */
  clear(): void {
    this.chunks = [];
    this.poisoned = false;
    this.pushedAny = false;
    this.lastTickNs = undefined;
  }

  /** The covering chunks' actions for the tick, blended by age and clamped. */
  private blend(covering: readonly Scheduled[], nowNs: number): Float32Array {
    const sums = new Float64Array(this.dims);
    let total = 0;
    covering.forEach((s, age) => {
      const w = this.ensemble === 0 ? 1 : Math.exp(-this.ensemble * age);
      const i = this.indexAt(s, nowNs);
      for (let d = 0; d < this.dims; d++) sums[d] = sums[d]! + w * s.values[i * this.dims + d]!;
      total += w;
    });
    const values = new Float32Array(this.dims);
    for (let d = 0; d < this.dims; d++) values[d] = clamp(sums[d]! / total, this.options.low[d]!, this.options.high[d]!);
    return values;
  }

  private indexAt(s: Scheduled, nowNs: number): number {
    // Ticks are the source's stamps: rounding absorbs their jitter (under half a period).
    return Math.round((nowNs - s.anchorNs) / s.periodNs);
  }

  private usable(s: Scheduled): number {
    return Math.min(s.horizon, this.maxIndex);
  }

  private emitHold(nowNs: number, reason: 'start' | 'late' | 'non-finite'): Action {
    if (reason === 'late') this.holds.late++;
    if (reason === 'start') this.holds.start++;
    if (reason === 'non-finite') this.holds.nonFinite++;
    return { values: this.holdValues(this.last), stampNs: nowNs, hold: true, reason };
  }

  private holdValues(last: Float32Array): Float32Array {
    if (this.options.hold === 'zero') return new Float32Array(this.dims).map((_, d) => clamp(0, this.options.low[d]!, this.options.high[d]!));
    return Float32Array.from(last);
  }
}
