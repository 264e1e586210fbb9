// Regression test for a bug found in review; the describe/it names say the expected behaviour.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Policy } from '../../src/policy/policy.js';
import { StepBatcher } from '../../src/policy/step-batcher.js';
import { syntheticObservations } from '../../src/runtime/synthetic.js';
import { BUNDLES } from '../helpers/reference.js';

describe('StepBatcher: one bad observation in a batch', () => {
  it('rejects only the step it belongs to, not its batch-mates', async () => {
    await using policy = await Policy.load(join(BUNDLES, 'hamlet-tiny'));
    const batcher = new StepBatcher(policy, { waitMs: 50 });
    const good = batcher.open(0);
    const bad = batcher.open(1);
    const [obs] = [...syntheticObservations(policy.manifest, 1)];
    const badObs = { ...obs!, instruction: { taskId: 'no-such-task', text: '' } };
    const [a, b] = await Promise.allSettled([batcher.step(good, obs!), batcher.step(bad, badObs)]);
    expect(b.status).toBe('rejected');
    expect(a.status).toBe('fulfilled');
  });
});
