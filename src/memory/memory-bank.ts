// MemoryVLA memory bank of one stream (perceptual or cognitive): at most L entries of
// (timestep, tokens [N, d]), oldest first. Past capacity, the most similar adjacent pair is
// merged into its average (consolidation), so retrieval cost stays O(L) for any episode length.
// FIFO eviction (drop the oldest entry) is the ablation MemoryVLA compares consolidation with.
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
  /** [N, d], row-major; owned by the bank, do not modify. */
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

  #entries: BankEntry[] = [];
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
    return this.#entries.length;
  }

  /** The entries, oldest first. */
  get entries(): readonly BankEntry[] {
    return this.#entries;
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
    for (let i = 0; i < L; i++) {
      const entry = this.#entries[i];
      const at = (base + i) * stride;
      if (entry === undefined) {
        bank.fill(0, at, at + stride);
        times[base + i] = 0;
        mask[base + i] = 0;
      } else {
        bank.set(entry.tokens, at);
        times[base + i] = entry.timestep;
        mask[base + i] = 1;
      }
    }
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
    const last = this.#entries.at(-1);
    if (last !== undefined && timestep < last.timestep) {
      throw new RangeError(
        `MemoryBank.write: timestep must be >= ${last.timestep} (the newest entry's), got ${timestep}${this.#where()}`,
      );
    }
  }

  /**
   * Appends an entry (tokens copied), then consolidates back to capacity. `timestep` must be
   * finite and not earlier than the newest entry's.
   */
  write(timestep: number, tokens: Float32Array): WriteResult {
    this.checkWrite(timestep, tokens);
    const last = this.#entries.at(-1);
    // slice() of the same array type copies bytes, so NaN payloads survive as written.
    this.#entries.push({ timestep, tokens: tokens.slice() });
    if (last !== undefined) this.#similarity.push(this.#pairSimilarity(this.#entries.length - 2));
    return this.consolidate();
  }

  /**
   * While the bank holds more than L entries, merges the adjacent pair with the highest mean
   * token cosine similarity (first pair on ties) into one entry: tokens averaged elementwise,
   * timestep averaged. With FIFO eviction, drops the oldest entries instead.
   */
  consolidate(): WriteResult {
    if (this.eviction === 'fifo') {
      const evicted = Math.max(0, this.#entries.length - this.capacity);
      this.#entries.splice(0, evicted);
      this.#similarity.splice(0, evicted);
      return { merges: 0, mergedAt: [], evicted };
    }
    const mergedAt: number[] = [];
    while (this.#entries.length > this.capacity) {
      const i = this.#mostSimilarPair();
      const left = this.#entries[i];
      const right = this.#entries[i + 1];
      if (left === undefined || right === undefined) throw new Error('MemoryBank: similarity cache out of sync');
      const tokens = new Float32Array(this.stride);
      for (let k = 0; k < tokens.length; k++) tokens[k] = 0.5 * ((left.tokens[k] ?? 0) + (right.tokens[k] ?? 0));
      // The new entry replaces both; their arrays are dropped with them.
      this.#entries.splice(i, 2, { timestep: midpoint(left.timestep, right.timestep), tokens });
      this.#similarity.splice(i, 1);
      if (i > 0) this.#similarity[i - 1] = this.#pairSimilarity(i - 1);
      if (i < this.#entries.length - 1) this.#similarity[i] = this.#pairSimilarity(i);
      mergedAt.push(i);
    }
    return { merges: mergedAt.length, mergedAt };
  }

  /** Empties the bank for a new episode. */
  reset(): void {
    this.#entries = [];
    this.#similarity = [];
  }

  /** The bank as `momento.v1.BankSnapshot`; entry tensors are [N, d]. */
  snapshot(): momento.v1.BankSnapshot.$Properties {
    return {
      stream: this.stream,
      capacity: this.capacity,
      entries: this.#entries.map((e, i) => ({
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
   * Validates a snapshot into fresh entries and returns the function that swaps them in (which
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
    const entries: BankEntry[] = [];
    for (const [i, e] of raw.entries()) {
      const timestep = e.timestep ?? 0;
      const previous = entries.at(-1)?.timestep ?? -Infinity;
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
      entries.push({ timestep, tokens: data });
    }
    return () => {
      this.#entries = entries;
      this.#similarity = entries.slice(1).map((_, i) => this.#pairSimilarity(i));
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
    const a = this.#entries[i]?.tokens;
    const b = this.#entries[i + 1]?.tokens;
    if (a === undefined || b === undefined) throw new Error(`MemoryBank: no pair at ${i}`);
    const d = this.dim;
    let sum = 0;
    for (let n = 0; n < this.tokens; n++) {
      let dot = 0;
      let aa = 0;
      let bb = 0;
      for (let k = n * d; k < (n + 1) * d; k++) {
        const x = a[k] ?? 0;
        const y = b[k] ?? 0;
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
