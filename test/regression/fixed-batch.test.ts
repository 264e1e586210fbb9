// Regression test for a bug found in review; the describe/it names say the expected behaviour.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Policy } from '../../src/policy/policy.js';
import { syntheticObservations } from '../../src/runtime/synthetic.js';
import { bundleCopy, removeBundleCopies } from '../helpers/bundle-copy.js';
import { setDeclaredDim } from '../helpers/onnx-edit.js';

// Sets every graph input/output's first dimension of a copy of memoryless-tiny to the fixed value
// 1 (a graph exported without a dynamic batch axis); the manifest still says "batch".
function fixBatchAxes(dir: string): void {
  const io = { 'encoder.onnx': ['rgb', 'proprio', 'task', 'context'], 'head.onnx': ['context', 'noisy_actions', 'time', 'actions'] };
  for (const [file, names] of Object.entries(io)) for (const name of names) setDeclaredDim(join(dir, file), name, 0, 1);
}

describe('graph validation: a fixed batch dimension', () => {
  afterEach(removeBundleCopies);
  it('a graph whose batch axis is fixed to 1 is rejected at load, naming the tensor', async () => {
    const dir = bundleCopy('memoryless-tiny', undefined, 'fixed-batch');
    fixBatchAxes(dir);
    const loaded = await Policy.load(dir).then(
      async (policy) => {
        // It loads; a batch of two sessions then fails inside onnxruntime.
        const obs = [...syntheticObservations(policy.manifest, 1)][0]!;
        const err = await policy.stepBatch([{ episode: policy.newEpisode(0), observation: obs }, { episode: policy.newEpisode(1), observation: obs }]).then(() => 'ok', (e: Error) => e.message);
        await policy.release();
        return `loaded; batch of 2: ${err}`;
      },
      (e: Error) => `rejected: ${e.message}`,
    );
    expect(loaded).toMatch(/^rejected: .*input 'rgb': dimension 0 expected symbolic 'batch', actual fixed 1/);
  });
});
