// ActionScheduler: turns action chunks into one action per control tick. Action i of a chunk
// is due at chunk.stampNs + i * period. Overlapping chunks can be blended (temporal
// ensembling, ACT-style exponential weights); values are clamped to the manifest's limits; a
// non-finite value or a chunk late past the deadline yields a hold action (and an error event
// for non-finite values) instead of anything unsafe.
import type { Action, ActionChunk } from '../core/types.js';

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
  /** Called when a chunk holds a NaN or infinite value (the action is held instead). */
  readonly onError?: (error: Error) => void;
}

interface Scheduled {
  readonly chunk: ActionChunk;
  readonly periodNs: number;
}

export class ActionScheduler {
  private chunks: Scheduled[] = [];
  private last: Float32Array;
  private readonly dims: number;
  private readonly ensemble: number;
  private readonly maxIndex: number;
  /** Holds emitted so far, by reason. */
  readonly holds = { start: 0, late: 0, nonFinite: 0 };
  /** Chunks refused for a NaN or infinite value. */
  rejectedChunks = 0;

  constructor(private readonly options: ActionSchedulerOptions) {
    if (options.low.length !== options.high.length) throw new RangeError(`ActionScheduler: low has ${options.low.length} values, high ${options.high.length}`);
    this.dims = options.low.length;
    this.ensemble = options.ensemble ?? 0;
    if (!(this.ensemble >= 0)) throw new RangeError(`ActionScheduler: ensemble must be >= 0, got ${this.ensemble}`);
    this.maxIndex = options.maxIndex ?? Number.POSITIVE_INFINITY;
    this.last = new Float32Array(this.dims).map((_, d) => clamp(0, options.low[d]!, options.high[d]!));
  }

  /** Adds a chunk. A chunk with non-finite values is rejected (error event); the previous chunks stay. */
  push(chunk: ActionChunk): void {
    if (chunk.dims !== this.dims) throw new RangeError(`ActionScheduler: chunk has ${chunk.dims} action dims, expected ${this.dims}`);
    const bad = chunk.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      this.rejectedChunks++;
      this.options.onError?.(new RangeError(`action chunk from stamp ${chunk.stampNs}: value ${chunk.values[bad]} at step ${Math.floor(bad / chunk.dims)}, dim ${bad % chunk.dims}; holding`));
      this.poisoned = true;
      return;
    }
    this.poisoned = false;
    this.pushedAny = true;
    this.chunks.push({ chunk, periodNs: chunk.periodS * 1e9 });
    if (this.ensemble === 0) this.chunks = [this.chunks.at(-1)!];
  }

  /** The newest chunk was rejected: hold until a good one arrives. */
  private poisoned = false;
  private pushedAny = false;

  /** The action due at `nowNs`; a hold when no chunk covers it (or the newest chunk was bad). */
  next(nowNs: number): Action {
    // Chunks whose last usable action is past are dropped.
    this.chunks = this.chunks.filter((s) => this.indexAt(s, nowNs) < this.usable(s));
    if (this.poisoned) return this.emitHold(nowNs, 'non-finite');
    const covering = this.chunks.filter((s) => this.indexAt(s, nowNs) >= 0);
    if (covering.length === 0) return this.emitHold(nowNs, this.pushedAny ? 'late' : 'start');
    const values = new Float32Array(this.dims);
    let total = 0;
    covering.forEach((s, age) => {
      const w = this.ensemble === 0 ? 1 : Math.exp(-this.ensemble * age);
      const i = this.indexAt(s, nowNs);
      for (let d = 0; d < this.dims; d++) values[d] = values[d]! + w * s.chunk.values[i * this.dims + d]!;
      total += w;
    });
    for (let d = 0; d < this.dims; d++) values[d] = clamp(values[d]! / total, this.options.low[d]!, this.options.high[d]!);
    this.last = values;
    return { values, stampNs: nowNs, hold: false, reason: '' };
  }

  /** Forgets queued chunks (episode end); the last action stays for holds. */
  clear(): void {
    this.chunks = [];
    this.poisoned = false;
    this.pushedAny = false;
  }

  private indexAt(s: Scheduled, nowNs: number): number {
    // Round to the nearest tick so that jitter in a live clock does not skip an action.
    return Math.round((nowNs - s.chunk.stampNs) / s.periodNs);
  }

  private usable(s: Scheduled): number {
    return Math.min(s.chunk.horizon, this.maxIndex);
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

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
