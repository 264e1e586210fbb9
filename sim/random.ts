// Seeded pseudo-random numbers for the simulator: sfc32 seeded from (seed, task) so that the
// same seed gives the same episode on every machine. Math.random is never used in sim/.

/** Mixes a string into a 32-bit hash (FNV-1a) so that tasks draw different streams from one seed. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** splitmix32: spreads one 32-bit word into a well-mixed next state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** sfc32 generator; `next()` is uniform in [0, 1) with 32 bits of resolution. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param seed a non-negative integer below 2^53 (the wire carries uint64 seeds as numbers)
   * @param stream a name mixed into the seed (the task id), so streams of one seed differ
   */
  constructor(seed: number, stream = '') {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
    }
    const low = seed >>> 0;
    const high = Math.floor(seed / 2 ** 32) >>> 0;
    this.a = splitmix32(low);
    this.b = splitmix32(high ^ this.a);
    this.c = splitmix32(hashString(stream) ^ this.b);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [0, count). */
  int(count: number): number {
    return Math.floor(this.next() * count);
  }

  /** A uniformly random permutation of 0..count-1 (Fisher-Yates). */
  permutation(count: number): number[] {
    const items = Array.from({ length: count }, (_, i) => i);
    for (let i = count - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const swap = items[i] as number;
      items[i] = items[j] as number;
      items[j] = swap;
    }
    return items;
  }
}
