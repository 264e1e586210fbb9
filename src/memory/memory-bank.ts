// MemoryVLA memory bank of one stream (perceptual or cognitive): at most L entries of
// (timestep, tokens [N, d]), oldest first. Past capacity, the most similar adjacent pair is
// merged into its average (consolidation), so retrieval cost stays O(L) for any episode length.
// FIFO eviction (drop the oldest entry) is the ablation MemoryVLA compares consolidation with.
// The entries sit in one contiguous store per bank, so that filling the read graph's inputs is one
// sequential copy: the graph run between two steps evicts them from the cache (BENCHMARKS, issue 12).
import type { momento } from '../core/wire.js';
import { tensorFromProto, tensorToProto } from './snapshot.js';

export interface MemoryBankOptions {
  /** Stream name as in the bundle manifest (e.g. `perceptual`, `cognitive`). */
  readonly stream: string;
  /** Capacity L: the most entries kept after consolidation. */
  readonly capacity: number;
  /** Tokens per entry, N. */
  readonly tokens: number;
  /** Token dimension d. */
  readonly dim: number;
  /** Past capacity: merge the most similar adjacent pair (default), or drop the oldest entry. */
  readonly eviction?: Eviction;
}

export type Eviction = 'merge' | 'fifo';
export const EVICTIONS: readonly Eviction[] = ['merge', 'fifo'];

export interface BankEntry {
  readonly timestep: number;
  /**
   * [N, d], row-major: a view into the bank's store, owned by the bank, do not modify. The next
   * write, consolidate, reset or restore may move other entries' tokens into it; copy what must
   * outlive that.
   */
  readonly tokens: Float32Array;
}

export interface WriteResult {
  /** How many merges the write caused. */
  readonly merges: number;
  /** Left index i of each merged pair (i, i+1), in merge order. */
  readonly mergedAt: number[];
  /** Oldest entries dropped; present under FIFO eviction only. */
  readonly evicted?: number;
}

export class MemoryBank {
  readonly stream: string;
  readonly capacity: number;
  readonly tokens: number;
  readonly dim: number;
  readonly eviction: Eviction;

  // Entry i is #times[i] and #store[i*stride, (i+1)*stride), oldest first, i < #size. One row more
  // than the capacity holds a write before it is consolidated. Allocated on the first write, so a
  // bank built only to check a write costs nothing.
  #store = new Float32Array(0);
  #times = new Float64Array(0);
  #size = 0;
  // The `entries` views, built on the first read after a change.
  #views: BankEntry[] | undefined;
  // #similarity[i] is the mean token cosine of entries i and i+1. A write or a merge changes at
  // most two pairs, so keeping them avoids recomputing all L pairs (each O(N d)) every step.
  #similarity: number[] = [];

  constructor(options: MemoryBankOptions) {
    if (typeof options.stream !== 'string' || options.stream.length === 0) {
      throw new TypeError(`MemoryBank: 'stream' must be a non-empty string, got ${String(options.stream)}`);
    }
    this.stream = options.stream;
    this.capacity = this.#positiveInteger('capacity', options.capacity);
    this.tokens = this.#positiveInteger('tokens', options.tokens);
    this.dim = this.#positiveInteger('dim', options.dim);
    const eviction = options.eviction ?? 'merge';
    if (!EVICTIONS.includes(eviction)) throw new RangeError(`MemoryBank: 'eviction' must be 'merge' or 'fifo', got ${String(eviction)}${this.#where()}`);
    this.eviction = eviction;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * The entries, oldest first; the same array and views on every read until the next write,
   * consolidate, reset or restore, which invalidates them (see `BankEntry.tokens`).
   */
  get entries(): readonly BankEntry[] {
    if (this.#views === undefined) {
      const stride = this.stride;
      const views: BankEntry[] = [];
      for (let i = 0; i < this.#size; i++) {
        views.push({ timestep: this.#times[i] ?? 0, tokens: this.#store.subarray(i * stride, (i + 1) * stride) });
      }
      this.#views = views;
    }
    return this.#views;
  }

  /** Floats per entry, N * d. */
  get stride(): number {
    return this.tokens * this.dim;
  }

  /**
   * Writes the bank into one batch slot of the read graph's inputs: `bank` [B, S, N, d],
   * `times` [B, S], `mask` [B, S], with S = `positions` (default L; more when the graph's bank
   * axis is larger than this bank's capacity). Entry i goes to position i with mask 1; empty
   * positions get zeros and mask 0.
   */
  fill(bank: Float32Array, times: Float32Array, mask: Float32Array, slot = 0, positions = this.capacity): void {
    const L = positions;
    const stride = this.stride;
    if (!Number.isInteger(slot) || slot < 0) {
      throw new RangeError(`MemoryBank.fill: 'slot' must be a non-negative integer, got ${slot}${this.#where()}`);
    }
    if (!Number.isInteger(positions) || positions < this.capacity) {
      throw new RangeError(`MemoryBank.fill: 'positions' must be an integer >= the capacity ${this.capacity}, got ${positions}${this.#where()}`);
    }
    this.#checkRoom('bank', bank, (slot + 1) * L * stride);
    this.#checkRoom('times', times, (slot + 1) * L);
    this.#checkRoom('mask', mask, (slot + 1) * L);
    const base = slot * L;
    const size = this.#size;
    // One sequential copy of the bank (bytes, so NaN payloads go as written), zeros after it.
    bank.set(this.#store.subarray(0, size * stride), base * stride);
    bank.fill(0, (base + size) * stride, (base + L) * stride);
    for (let i = 0; i < size; i++) times[base + i] = this.#times[i] ?? 0;
    times.fill(0, base + size, base + L);
    mask.fill(1, base, base + size);
    mask.fill(0, base + size, base + L);
  }

  /** Throws, naming the problem, when `write(timestep, tokens)` would; changes nothing. */
  checkWrite(timestep: number, tokens: Float32Array): void {
    if (tokens.length !== this.stride) {
      throw new RangeError(
        `MemoryBank.write: tokens must have ${this.stride} floats (${this.tokens} x ${this.dim}), got ${tokens.length}${this.#where()}`,
      );
    }
    if (!Number.isFinite(timestep)) {
      throw new RangeError(`MemoryBank.write: timestep must be finite, got ${timestep}${this.#where()}`);
    }
    const last = this.#times[this.#size - 1] ?? -Infinity; // -Infinity while the bank is empty
    if (timestep < last) {
      throw new RangeError(
        `MemoryBank.write: timestep must be >= ${last} (the newest entry's), got ${timestep}${this.#where()}`,
      );
    }
  }

  /**
   * Appends an entry (tokens copied), then consolidates back to capacity. `timestep` must be
   * finite and not earlier than the newest entry's.
   */
  write(timestep: number, tokens: Float32Array): WriteResult {
    this.checkWrite(timestep, tokens);
    if (this.#store.length === 0) this.#allocate();
    // set() between arrays of the same type copies bytes, so NaN payloads survive as written.
    this.#store.set(tokens, this.#size * this.stride);
    this.#times[this.#size] = timestep;
    this.#size++;
    this.#views = undefined;
    if (this.#size > 1) this.#similarity.push(this.#pairSimilarity(this.#size - 2));
    return this.consolidate();
  }

  /**
   * While the bank holds more than L entries, merges the adjacent pair with the highest mean
   * token cosine similarity (first pair on ties) into one entry: tokens averaged elementwise,
   * timestep averaged. With FIFO eviction, drops the oldest entries instead.
   */
  consolidate(): WriteResult {
    const stride = this.stride;
    const store = this.#store;
    const times = this.#times;
    if (this.eviction === 'fifo') {
      const evicted = Math.max(0, this.#size - this.capacity);
      if (evicted > 0) {
        // copyWithin moves bytes, so NaN payloads survive.
        store.copyWithin(0, evicted * stride, this.#size * stride);
        times.copyWithin(0, evicted, this.#size);
        this.#size -= evicted;
        this.#views = undefined;
      }
      this.#similarity.splice(0, evicted);
      return { merges: 0, mergedAt: [], evicted };
    }
    const mergedAt: number[] = [];
    while (this.#size > this.capacity) {
      const i = this.#mostSimilarPair();
      if (i + 1 >= this.#size) throw new Error('MemoryBank: similarity cache out of sync');
      // The average goes into row i in place (each element is read before it is written), then
      // the rows after i + 1 move down by one over the right one.
      const left = i * stride;
      const right = left + stride;
      for (let k = 0; k < stride; k++) store[left + k] = 0.5 * ((store[left + k] ?? 0) + (store[right + k] ?? 0));
      times[i] = midpoint(times[i] ?? 0, times[i + 1] ?? 0);
      store.copyWithin(right, right + stride, this.#size * stride);
      times.copyWithin(i + 1, i + 2, this.#size);
      this.#size--;
      this.#views = undefined;
      this.#similarity.splice(i, 1);
      if (i > 0) this.#similarity[i - 1] = this.#pairSimilarity(i - 1);
      if (i < this.#size - 1) this.#similarity[i] = this.#pairSimilarity(i);
      mergedAt.push(i);
    }
    return { merges: mergedAt.length, mergedAt };
  }

  /** Empties the bank for a new episode. */
  reset(): void {
    // The store is kept for the next episode; rows past the size are never read.
    this.#size = 0;
    this.#views = undefined;
    this.#similarity = [];
  }

  /** The bank as `momento.v1.BankSnapshot`; entry tensors are [N, d]. */
  snapshot(): momento.v1.BankSnapshot.$Properties {
    return {
      stream: this.stream,
      capacity: this.capacity,
      entries: this.entries.map((e, i) => ({
        timestep: e.timestep,
        tokens: tensorToProto(`${this.stream}[${i}]`, [this.tokens, this.dim], e.tokens),
      })),
    };
  }

  /** Replaces the bank with a snapshot of a bank of the same stream and shape; validates before changing anything. */
  restore(s: momento.v1.BankSnapshot.$Properties): void {
    this.prepareRestore(s)();
  }

  /**
   * Validates a snapshot into a fresh store and returns the function that swaps them in (which
   * cannot fail), so that a caller can validate every bank of an episode before changing any.
   * With `before`, every entry's timestep must be below it (the step the episode resumes at).
   */
  prepareRestore(s: momento.v1.BankSnapshot.$Properties, before = Infinity): () => void {
    const stream = s.stream ?? '';
    if (stream !== this.stream) {
      throw new RangeError(`MemoryBank.restore: 'stream' must be '${this.stream}', got '${stream}'`);
    }
    const capacity = s.capacity ?? 0;
    if (capacity !== this.capacity) {
      throw new RangeError(`MemoryBank.restore: 'capacity' must be ${this.capacity}, got ${capacity}${this.#where()}`);
    }
    const raw = s.entries ?? [];
    if (raw.length > this.capacity) {
      throw new RangeError(
        `MemoryBank.restore: 'entries' must hold at most ${this.capacity}, got ${raw.length}${this.#where()}`,
      );
    }
    const stride = this.stride;
    const store = new Float32Array((this.capacity + 1) * stride);
    const times = new Float64Array(this.capacity + 1);
    for (const [i, e] of raw.entries()) {
      const timestep = e.timestep ?? 0;
      const previous = i > 0 ? (times[i - 1] ?? 0) : -Infinity;
      if (!Number.isFinite(timestep) || timestep < previous) {
        throw new RangeError(
          `MemoryBank.restore: 'entries[${i}].timestep' must be finite and >= ${previous}, got ${timestep}${this.#where()}`,
        );
      }
      if (timestep >= before) {
        throw new RangeError(
          `MemoryBank.restore: 'entries[${i}].timestep' ${timestep} is not before the snapshot's step ${before}${this.#where()}`,
        );
      }
      if (e.tokens == null) {
        throw new RangeError(`MemoryBank.restore: 'entries[${i}].tokens' is missing${this.#where()}`);
      }
      const { data } = tensorFromProto(e.tokens, [this.tokens, this.dim], `entries[${i}].tokens${this.#where()}`);
      store.set(data, i * stride);
      times[i] = timestep;
    }
    return () => {
      this.#store = store;
      this.#times = times;
      this.#size = raw.length;
      this.#views = undefined;
      this.#similarity = [];
      for (let i = 0; i + 1 < this.#size; i++) this.#similarity.push(this.#pairSimilarity(i));
    };
  }

  #mostSimilarPair(): number {
    let best = 0;
    let bestSimilarity = this.#similarity[0] ?? -Infinity;
    for (let i = 1; i < this.#similarity.length; i++) {
      const s = this.#similarity[i] ?? -Infinity;
      if (s > bestSimilarity) {
        best = i;
        bestSimilarity = s;
      }
    }
    return best;
  }

  // Mean over the N tokens of cos(tokens_i[n], tokens_{i+1}[n]), in float64. A zero token has
  // cosine 0; a non-finite one counts as -Infinity so that it is merged only when nothing else can be.
  #pairSimilarity(i: number): number {
    if (i < 0 || i + 1 >= this.#size) throw new Error(`MemoryBank: no pair at ${i}`);
    const store = this.#store;
    const a = i * this.stride;
    const b = a + this.stride;
    const d = this.dim;
    let sum = 0;
    for (let n = 0; n < this.tokens; n++) {
      let dot = 0;
      let aa = 0;
      let bb = 0;
      for (let k = n * d; k < (n + 1) * d; k++) {
        const x = store[a + k] ?? 0;
        const y = store[b + k] ?? 0;
        dot += x * y;
        aa += x * x;
        bb += y * y;
      }
      if (aa > 0 && bb > 0) sum += dot / (Math.sqrt(aa) * Math.sqrt(bb));
      else if (Number.isNaN(aa) || Number.isNaN(bb)) sum = NaN;
    }
    const mean = sum / this.tokens;
    return Number.isFinite(mean) ? mean : -Infinity;
  }

  #allocate(): void {
    this.#store = new Float32Array((this.capacity + 1) * this.stride);
    this.#times = new Float64Array(this.capacity + 1);
  }

  #positiveInteger(field: string, value: number): number {
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(`MemoryBank: '${field}' must be a positive integer, got ${value}${this.#where()}`);
    }
    return value;
  }

  #checkRoom(field: string, array: Float32Array, needed: number): void {
    if (array.length < needed) {
      throw new RangeError(
        `MemoryBank.fill: '${field}' needs at least ${needed} floats for this slot, got ${array.length}${this.#where()}`,
      );
    }
  }

  #where(): string {
    return ` [stream=${this.stream}]`;
  }
}

// The average of two ordered finite timesteps, kept finite and between them even near the limits
// of float64 (where a + b would overflow).
function midpoint(a: number, b: number): number {
  const sum = a + b;
  return Number.isFinite(sum) ? sum / 2 : a / 2 + b / 2;
}
