// Readers for the reference files written by policies/export_test_bundles.py (PyTorch outputs
// computed independently of the runtime) and a relative-tolerance comparison.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Observation } from '../../src/core/types.js';

export const BUNDLES = join(import.meta.dirname, '..', 'fixtures', 'bundles');

interface RefObservation {
  images: Record<string, { height: number; width: number; channels: number; data: string }>;
  proprio: number[];
  task: string;
}

export interface ReferenceEpisode {
  bundle: string;
  episode_seed: number;
  manifest_seed: number;
  tolerance: { relative: number };
  steps: { index: number; observation: RefObservation; chunk: number[]; memory?: Record<string, { size: number; timesteps: number[]; merged_at: number[]; attention?: number[] }> }[];
}

export function readReference(bundle: string): ReferenceEpisode {
  return JSON.parse(readFileSync(join(BUNDLES, bundle, 'reference.json'), 'utf8')) as ReferenceEpisode;
}

export function toObservation(o: RefObservation, index: number): Observation {
  return {
    cameras: Object.entries(o.images).map(([name, img]) => ({ name, height: img.height, width: img.width, channels: img.channels, data: new Uint8Array(Buffer.from(img.data, 'base64')) })),
    proprio: Float32Array.from(o.proprio),
    instruction: { taskId: o.task, text: o.task },
    stampNs: index * 100_000_000,
    index,
  };
}

/** Largest |a - b| / max(|b|, floor) over the arrays; floor keeps near-zero references meaningful. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-2): number {
  if (actual.length !== expected.length) throw new RangeError(`length ${actual.length} vs expected ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), floor));
  return worst;
}
