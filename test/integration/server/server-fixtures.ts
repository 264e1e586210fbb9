// Shared pieces of the policy-server tests: the tiny bundles (one per head kind), reference runs of
// the in-process Policy, and a batching window that never fires on its own (a batch then leaves
// only when every attached session has a step waiting: batch sizes follow from structure, not time).
import { join } from 'node:path';
import type { Observation } from '../../../src/core/types.js';
import { Policy } from '../../../src/policy/policy.js';
import type { Schedule } from '../../../src/policy/step-batcher.js';
import { syntheticObservations } from '../../../src/runtime/synthetic.js';
import { ROOT } from '../../helpers/cli.js';

export const BUNDLES = {
  direct: join(ROOT, 'test/fixtures/bundles/memoryvla-tiny'),
  flow: join(ROOT, 'test/fixtures/bundles/hamlet-tiny'),
  ddim: join(ROOT, 'test/fixtures/bundles/memoryless-tiny'),
} as const;

export const neverFires: Schedule = () => () => undefined;

export function observations(policy: { manifest: Policy['manifest'] }, count: number, seed: number): Observation[] {
  return [...syntheticObservations(policy.manifest, count, seed)];
}

/** Chunks of a separate in-process episode per stream. */
export async function referenceChunks(dir: string, streams: readonly { seed: number; obs: readonly Observation[] }[]): Promise<Float32Array[][]> {
  await using policy = await Policy.load(dir, { inference: 'inline' });
  const out: Float32Array[][] = [];
  for (const { seed, obs } of streams) {
    const episode = policy.newEpisode(seed);
    const chunks: Float32Array[] = [];
    for (const o of obs) chunks.push((await policy.step(episode, o)).chunk.values);
    out.push(chunks);
  }
  return out;
}

export function maxDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  if (a.length !== b.length) return Infinity;
  let d = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    if (x.length !== y.length) d = Infinity;
    x.forEach((v, j) => (d = Math.max(d, Math.abs(v - y[j]!))));
  });
  return d;
}
