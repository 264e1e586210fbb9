// Real-time chunking on a flow-head bundle (hamlet-tiny, 4 Euler steps): the committed prefix is
// inpainted during sampling, so a new chunk starts with exactly the actions already committed.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Policy } from '../../../src/policy/policy.js';
import { syntheticObservations } from '../../../src/runtime/synthetic.js';
import { ROOT } from '../../helpers/cli.js';

const BUNDLE = join(ROOT, 'test/fixtures/bundles/hamlet-tiny');

describe('real-time chunking (flow head)', () => {
  it('the first d actions of a new chunk equal the committed ones; without a prefix they do not', async () => {
    await using policy = await Policy.load(BUNDLE);
    expect(policy.manifest.head.kind).toBe('flow');
    const A = policy.manifest.action.names.length;
    const [o0, o1] = [...syntheticObservations(policy.manifest, 2, 3)];
    // The previous chunk, from a first step; its actions 4..6 are what plays while the next is computed.
    const episode = policy.newEpisode(3);
    const first = await policy.step(episode, o0!);
    for (const d of [1, 2, 3]) {
      const committed = first.chunk.values.slice(4 * A, (4 + d) * A);
      const [withPrefix] = await policy.stepBatch([{ episode: policy.newEpisode(3), observation: o1!, prefix: committed }]);
      const [plain] = await policy.stepBatch([{ episode: policy.newEpisode(3), observation: o1! }]);
      const head = withPrefix!.chunk.values.slice(0, d * A);
      for (let j = 0; j < d * A; j++) expect(head[j]).toBeCloseTo(committed[j]!, 5);
      expect(plain!.chunk.values.slice(0, d * A).some((v, j) => Math.abs(v - committed[j]!) > 1e-3)).toBe(true);
      expect(withPrefix!.chunk.values.every(Number.isFinite)).toBe(true);
    }
  });

  it('rejects a prefix that is not d x A with d < chunk, naming the sizes', async () => {
    await using policy = await Policy.load(BUNDLE);
    const [o] = [...syntheticObservations(policy.manifest, 1)];
    await expect(policy.stepBatch([{ episode: policy.newEpisode(), observation: o!, prefix: new Float32Array(4) }])).rejects.toThrow(/prefix has 4 values; expected d x 3 with d < 8/);
    await expect(policy.stepBatch([{ episode: policy.newEpisode(), observation: o!, prefix: new Float32Array(24) }])).rejects.toThrow(/prefix has 24 values/);
  });
});
