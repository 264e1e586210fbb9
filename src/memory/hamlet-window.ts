// HAMLET moment-token window: the last T steps' moment tokens [nq, d] of one episode, kept by
// the runtime because the memory graph is stateless. The first step of an episode is repeated
// T times so the graph always sees a full window, as in training.
import type { momento } from '../core/wire.js';
import { tensorFromProto, tensorToProto } from './snapshot.js';

export interface HamletWindowOptions {
  /** Window length T (number of past moments the memory module sees). */
  readonly length: number;
  /** Moment tokens per step, n_q. */
  readonly tokens: number;
  /** Token dimension d. */
  readonly dim: number;
}

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`HamletWindow: '${field}' must be a positive integer, got ${value}`);
  }
  return value;
}

export class HamletWindow {
  readonly length: number;
  readonly tokens: number;
  readonly dim: number;
  /** Floats per step, nq * d. */
  readonly stride: number;

  // Ring buffer of T steps; `head` is the slot of the oldest step once the window is seeded.
  readonly #ring: Float32Array;
  #head = 0;
  #seeded = false;

  constructor(options: HamletWindowOptions) {
    this.length = positiveInteger('length', options.length);
    this.tokens = positiveInteger('tokens', options.tokens);
    this.dim = positiveInteger('dim', options.dim);
    this.stride = this.tokens * this.dim;
    this.#ring = new Float32Array(this.length * this.stride);
  }

  /** 0 before the episode's first push, T afterwards. */
  get size(): number {
    return this.#seeded ? this.length : 0;
  }

  /** Appends one step's moment tokens [nq, d] (copied), dropping the oldest step. */
  push(moments: Float32Array): void {
    this.#checkMoments('push', moments);
    if (!this.#seeded) {
      for (let slot = 0; slot < this.length; slot++) this.#ring.set(moments, slot * this.stride);
      this.#head = 0;
      this.#seeded = true;
      return;
    }
    // The oldest slot becomes the newest.
    this.#ring.set(moments, this.#head * this.stride);
    this.#head = (this.#head + 1) % this.length;
  }

  /** Writes the window [T, nq, d], oldest first, into `target` at `offset` (e.g. one slot of [B, T, nq, d]). */
  fill(target: Float32Array, offset = 0): void {
    if (!this.#seeded) {
      throw new Error('HamletWindow.fill: the window is empty; push the episode\'s first moments first');
    }
    this.#checkRoom('fill', target, offset);
    const total = this.#ring.length;
    const split = this.#head * this.stride;
    target.set(this.#ring.subarray(split), offset);
    target.set(this.#ring.subarray(0, split), offset + total - split);
  }

  /**
   * Writes the window as it will be after `push(next)` (oldest first) into `target` at `offset`,
   * without changing the window: a step reads it before it knows whether it will commit. With
   * `fromEmpty`, as if the window were reset first (T copies of `next`).
   */
  fillAfterPush(next: Float32Array, target: Float32Array, offset = 0, fromEmpty = false): void {
    this.#checkMoments('fillAfterPush', next);
    this.#checkRoom('fillAfterPush', target, offset);
    const total = this.#ring.length;
    if (fromEmpty || !this.#seeded) {
      for (let slot = 0; slot < this.length; slot++) target.set(next, offset + slot * this.stride);
      return;
    }
    // The oldest step (at #head) drops out; the rest follow in order, then `next`.
    const from = ((this.#head + 1) % this.length) * this.stride;
    const kept = total - this.stride;
    if (from + kept <= total) {
      target.set(this.#ring.subarray(from, from + kept), offset);
    } else {
      const tail = total - from;
      target.set(this.#ring.subarray(from), offset);
      target.set(this.#ring.subarray(0, kept - tail), offset + tail);
    }
    target.set(next, offset + kept);
  }

  /** Forgets the episode: the next push seeds the window again. */
  reset(): void {
    this.#ring.fill(0);
    this.#head = 0;
    this.#seeded = false;
  }

  /** The window as `momento.v1.WindowSnapshot`: one [nq, d] tensor per step, oldest first. */
  snapshot(): momento.v1.WindowSnapshot.$Properties {
    const moments: momento.v1.Tensor.$Properties[] = [];
    if (this.#seeded) {
      for (let i = 0; i < this.length; i++) {
        const slot = (this.#head + i) % this.length;
        const data = this.#ring.subarray(slot * this.stride, (slot + 1) * this.stride);
        moments.push(tensorToProto(`moments[${i}]`, [this.tokens, this.dim], data));
      }
    }
    return { length: this.length, moments };
  }

  /** Replaces the window with a snapshot of a window of the same T, nq and d; validates before changing anything. */
  restore(snapshot: momento.v1.WindowSnapshot.$Properties): void {
    this.prepareRestore(snapshot)();
  }

  /**
   * Validates a snapshot into fresh state and returns the function that swaps it in (which cannot
   * fail), so that a caller can validate every part of an episode before changing any.
   */
  prepareRestore(snapshot: momento.v1.WindowSnapshot.$Properties): () => void {
    const length = snapshot.length ?? 0;
    if (length !== this.length) {
      throw new RangeError(`HamletWindow.restore: 'length' must be ${this.length}, got ${length}`);
    }
    const moments = snapshot.moments ?? [];
    if (moments.length !== 0 && moments.length !== this.length) {
      throw new RangeError(
        `HamletWindow.restore: 'moments' must hold 0 or ${this.length} tensors, got ${moments.length}`,
      );
    }
    const ring = new Float32Array(this.#ring.length);
    for (const [i, t] of moments.entries()) {
      ring.set(tensorFromProto(t, [this.tokens, this.dim], `moments[${i}]`).data, i * this.stride);
    }
    return () => {
      this.#ring.set(ring);
      this.#head = 0;
      this.#seeded = moments.length > 0;
    };
  }

  #checkMoments(method: string, moments: Float32Array): void {
    if (moments.length !== this.stride) {
      throw new RangeError(
        `HamletWindow.${method}: moments must have ${this.stride} floats (${this.tokens} x ${this.dim}), got ${moments.length}`,
      );
    }
  }

  #checkRoom(method: string, target: Float32Array, offset: number): void {
    const total = this.#ring.length;
    if (!Number.isInteger(offset) || offset < 0 || offset + total > target.length) {
      throw new RangeError(`HamletWindow.${method}: offset ${offset} + ${total} floats exceeds target length ${target.length}`);
    }
  }
}
