// Configuration-level splits: each configuration — the task state at reset, its parameters
// included — belongs to train or test by a hash of its canonical JSON, so a held-out episode is
// a held-out configuration, not merely a held-out seed. The simulator reports the split of every
// episode (SimTransition.split, dataset.json), so clients never need to recompute it.
import { createHash } from 'node:crypto';

export type Split = 'train' | 'test';
export const SPLITS: readonly Split[] = ['train', 'test'];

/** Buckets of the hash; the first TRAIN_BUCKETS of them are train (80 %). */
export const SPLIT_BUCKETS = 10;
export const TRAIN_BUCKETS = 8;

/** JSON with object keys sorted at every level: one text per value, whatever the insertion order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The split of a configuration: sha256 of its canonical JSON, first 4 bytes big-endian, mod 10 < 8 → train. */
export function configurationSplit(stateAtReset: unknown): Split {
  const digest = createHash('sha256').update(canonicalJson(stateAtReset)).digest();
  return digest.readUInt32BE(0) % SPLIT_BUCKETS < TRAIN_BUCKETS ? 'train' : 'test';
}
