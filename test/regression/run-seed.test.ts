// Regression test for a bug found in review (a negative seed picked task 'undefined'); the
// describe/it names say the expected behaviour. The seed chooses the synthetic stream's task and
// the sampler's noise: the same seed gives the same chunks, another seed other chunks.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/bundle/manifest.js';
import { Policy } from '../../src/policy/policy.js';
import { runSource } from '../../src/runtime/run.js';
import { fromObservations } from '../../src/streams/from-observations.js';
import { syntheticObservations } from '../../src/runtime/synthetic.js';
import { runCli } from '../helpers/cli.js';
import { BUNDLES } from '../helpers/reference.js';

const BUNDLE = join(BUNDLES, 'hamlet-tiny'); // a flow head: its chunks depend on the seed's noise
const FRAMES = 3;

/** Chunks of a run with episode seed `seed` on the synthetic stream of `streamSeed` (default: the same). */
async function chunksFor(policy: Policy, seed: number, streamSeed = seed): Promise<number[][]> {
  const chunks: number[][] = [];
  const summary = await runSource({ policy, seed, source: fromObservations(syntheticObservations(policy.manifest, FRAMES, streamSeed)), onStep: (r) => chunks.push(Array.from(r.chunk.values)) });
  expect(summary.stats.steps).toBe(FRAMES);
  expect(summary.actions).toBe(FRAMES * policy.manifest.action.execute);
  return chunks;
}

const taskOf = (manifest: Manifest, seed: number): string => [...syntheticObservations(manifest, 1, seed)][0]!.instruction.taskId;

describe('synthetic source with a negative seed', () => {
  it('syntheticObservations picks the task by seed modulo the task count, negative seeds included', async () => {
    await using policy = await Policy.load(BUNDLE);
    const tasks = policy.manifest.observation.instruction?.tasks ?? [];
    expect(tasks.length).toBeGreaterThan(1);
    expect(taskOf(policy.manifest, -1)).toBe(tasks.at(-1));
    expect(taskOf(policy.manifest, -1)).toBe(taskOf(policy.manifest, tasks.length - 1));
    expect(taskOf(policy.manifest, -tasks.length)).toBe(tasks[0]);
    expect(await chunksFor(policy, -1)).toHaveLength(FRAMES);
  });

  it('the seed fixes the sampler noise: same seed, same chunks; another seed, other chunks', async () => {
    await using policy = await Policy.load(BUNDLE);
    expect(policy.manifest.head.kind).not.toBe('direct');
    const a = await chunksFor(policy, 4);
    expect(await chunksFor(policy, 4)).toEqual(a);
    // The same observations (stream of seed 4) with episode seed 9: only the noise differs.
    expect(await chunksFor(policy, 9, 4)).not.toEqual(a);
  });

  it('momento run names --seed for a negative or non-numeric seed and runs with a valid one', async () => {
    for (const bad of ['-1', 'abc']) {
      const r = await runCli(['run', '--policy', BUNDLE, '--source', `synthetic:${FRAMES}`, '--seed', bad]);
      expect(r.code).toBe(1);
      expect(r.stderr.trimEnd()).toBe(`momento: --seed: expected a non-negative integer, got '${bad}'`);
    }
    const ok = await runCli(['run', '--policy', BUNDLE, '--source', `synthetic:${FRAMES}`, '--seed', '4']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^${FRAMES} steps, \\d+ actions, 0 dropped frames`, 'm'));
  });
});
