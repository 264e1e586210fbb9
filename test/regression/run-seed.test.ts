// Regression test for a bug found in review; the describe/it names say the expected behaviour.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Policy } from '../../src/policy/policy.js';
import { runSource } from '../../src/runtime/run.js';
import { fromObservations } from '../../src/policy/pipeline.js';
import { syntheticObservations } from '../../src/runtime/synthetic.js';
import { runCli } from '../helpers/cli.js';
import { BUNDLES } from '../helpers/reference.js';

describe('synthetic source with a negative seed', () => {
  it('syntheticObservations(seed = -1) uses one of the bundle tasks', async () => {
    await using policy = await Policy.load(join(BUNDLES, 'hamlet-tiny'));
    const [obs] = [...syntheticObservations(policy.manifest, 1, -1)];
    expect(policy.manifest.observation.instruction?.tasks).toContain(obs!.instruction.taskId);
    await expect(runSource({ policy, seed: -1, source: fromObservations(syntheticObservations(policy.manifest, 3, -1)) })).resolves.toBeDefined();
  });

  it('momento run --seed -1 runs (or names --seed), rather than failing on task undefined', async () => {
    const r = await runCli(['run', '--policy', join(BUNDLES, 'hamlet-tiny'), '--source', 'synthetic:3', '--seed', '-1']);
    expect(r.stderr).not.toMatch(/task 'undefined'/);
    const r2 = await runCli(['run', '--policy', join(BUNDLES, 'hamlet-tiny'), '--source', 'synthetic:3', '--seed', 'abc']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('--seed');
  });
});
