// Device choice on a machine without a GPU (this one, and CI): 'auto' falls back to the CPU with
// one warning naming the reason; 'gpu' fails naming the graph; 'cpu' needs no GPU at all.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Policy } from '../../../src/policy/policy.js';
import { BUNDLES } from '../../helpers/reference.js';

const gpuPresent = process.env['MOMENTO_TEST_GPU'] === '1';

describe.skipIf(gpuPresent)('device choice without a GPU', () => {
  it("'auto' runs on the CPU and warns once with the reason", async () => {
    const warnings: string[] = [];
    await using policy = await Policy.load(join(BUNDLES, 'memoryless-tiny'), { device: 'auto', warn: (w) => warnings.push(w) });
    expect(policy.provider).toBe('cpu');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/--device auto: running on CPU \(.+\)/);
    // The same reason is not repeated for the next graphs or bundles (each file runs in its own process).
    await using again = await Policy.load(join(BUNDLES, 'hamlet-tiny'), { device: 'auto', warn: (w) => warnings.push(w) });
    expect(again.provider).toBe('cpu');
    expect(warnings).toHaveLength(1);
  });

  it("'gpu' fails with an error naming the graph and the reason", async () => {
    await expect(Policy.load(join(BUNDLES, 'memoryless-tiny'), { device: 'gpu' })).rejects.toThrow(/graph 'encoder' \(.*encoder\.onnx\): no GPU execution provider could run it: webgpu: no WebGPU adapter/);
  });
});
