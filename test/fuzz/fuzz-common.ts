// What every fuzz target shares: its shape (set up, a property, counts, tear down), a per-case
// deadline that turns a hang into a failure, and byte mutations of well-formed frames.
import fc from 'fast-check';

/** One target: set up (real server, temp files), a property, and tear down. */
export interface FuzzTarget {
  readonly name: string;
  property(): Promise<fc.IAsyncProperty<[unknown]>>;
  /** Cases that ended in a typed error (the rest succeeded). */
  readonly rejected: () => number;
  dispose(): Promise<void>;
}

export const CASE_TIMEOUT_MS = 10_000;

/** Fails the case (a hang) if `promise` does not settle in CASE_TIMEOUT_MS. */
export function withinCaseTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what} did not settle in ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type ByteMutation = { kind: 'flip'; at: number[]; mask: number } | { kind: 'truncate'; at: number } | { kind: 'splice'; at: number; bytes: Uint8Array };

export const arbByteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  // 0xff runs claim huge lengths (varints, msgpack 32-bit sizes).
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.constant(new Uint8Array(8).fill(0xff))) }),
);

export function mutateBytes(original: Uint8Array, m: ByteMutation): Uint8Array {
  if (original.length === 0) return original;
  switch (m.kind) {
    case 'flip': {
      const out = Uint8Array.from(original);
      for (const a of m.at) out[a % out.length] = out[a % out.length]! ^ m.mask;
      return out;
    }
    case 'truncate':
      return original.subarray(0, m.at % original.length);
    case 'splice': {
      const at = m.at % (original.length + 1);
      const out = new Uint8Array(Math.max(original.length, at + m.bytes.length));
      out.set(original);
      out.set(m.bytes, at);
      return out;
    }
  }
}

/** Resident memory of this process, MiB. */
export const rssMiB = (): number => process.memoryUsage.rss() / 2 ** 20;
