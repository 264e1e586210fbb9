// Regression test for a bug found in review; the describe/it names say the expected behaviour.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Policy } from '../../src/policy/policy.js';
import { syntheticObservations } from '../../src/runtime/synthetic.js';
import { bundleCopy, removeBundleCopies } from '../helpers/bundle-copy.js';

// Rewrites every graph input/output's first dimension of a copy of memoryless-tiny to the fixed
// value 1 (a graph exported without a dynamic batch axis); the manifest still says "batch".
const PY = `
import sys; sys.path.insert(0, '/usr/lib/python3/dist-packages')
import onnx
for f in sys.argv[1:]:
    m = onnx.load(f)
    for v in list(m.graph.input) + list(m.graph.output):
        d = v.type.tensor_type.shape.dim[0]
        d.ClearField('dim_param'); d.dim_value = 1
    onnx.save(m, f)
`;

describe.skipIf(!existsSync('/usr/lib/python3/dist-packages/onnx'))('graph validation: a fixed batch dimension', () => {
  afterEach(removeBundleCopies);
  it('a graph whose batch axis is fixed to 1 is rejected at load, naming the tensor', async () => {
    const dir = bundleCopy('memoryless-tiny', undefined, 'fixed-batch');
    execFileSync('/usr/bin/python3', ['-c', PY, join(dir, 'encoder.onnx'), join(dir, 'head.onnx')]);
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
    expect(loaded).toMatch(/^rejected: .*dimension 0/);
  });
});
