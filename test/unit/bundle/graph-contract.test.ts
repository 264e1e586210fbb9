// graphMismatches (at load) and outputProblems (every run): what a graph may leave symbolic and
// what it must match.
import { describe, expect, it } from 'vitest';
import { graphMismatches, outputProblems } from '../../../src/bundle/graph-contract.js';
import type { GraphSpec } from '../../../src/bundle/manifest.js';

const spec: GraphSpec = {
  file: 'memory.onnx',
  inputs: [{ name: 'perceptual', dtype: 'float32', shape: ['batch', 4, 16] }, { name: 'step', dtype: 'float32', shape: ['batch'] }],
  outputs: [{ name: 'perceptual_fused', dtype: 'float32', shape: ['batch', 4, 16] }],
};

describe('graphMismatches', () => {
  it('accepts a symbolic graph dimension where the manifest fixes one', () => {
    expect(graphMismatches(spec, { inputs: [{ name: 'perceptual', dtype: 'float32', shape: ['N', 'Addperceptual_dim_1', 16] }, { name: 'step', dtype: 'float32', shape: ['N'] }], outputs: [{ name: 'perceptual_fused', dtype: 'float32', shape: ['N', 4, 16] }] })).toEqual([]);
  });

  it('names a fixed batch axis, a wrong fixed size, a dtype, and a declared optional input the graph lacks', () => {
    const problems = graphMismatches(spec, { inputs: [{ name: 'perceptual', dtype: 'float32', shape: [1, 5, 16] }], outputs: [{ name: 'perceptual_fused', dtype: 'int64', shape: ['batch', 4, 16] }] });
    expect(problems).toEqual([
      "input 'perceptual': dimension 0 expected symbolic 'batch', actual fixed 1 (export with dynamic_axes={'perceptual': {0: 'batch'}})",
      "input 'perceptual': dimension 1 expected 4, actual 5 (shape [1, 5, 16])",
      "input 'step': declared in the manifest, missing from the graph (graph has 'perceptual'); 'step' is optional: remove it from the manifest",
      "output 'perceptual_fused': dtype expected float32, actual int64",
    ]);
  });
});

describe('outputProblems', () => {
  it('checks the batch rows, the rank and every fixed dimension of each run', () => {
    expect(outputProblems(spec, { perceptual_fused: { dims: [3, 4, 16] } }, 3)).toEqual([]);
    expect(outputProblems(spec, { perceptual_fused: { dims: [3, 5, 16] } }, 3)).toEqual(["output 'perceptual_fused': shape [3, 5, 16] at run time, the manifest declares [batch, 4, 16] (batch 3)"]);
    expect(outputProblems(spec, { perceptual_fused: { dims: [1, 4, 16] } }, 3)).toHaveLength(1);
    expect(outputProblems(spec, {}, 3)).toEqual(["output 'perceptual_fused': not produced"]);
    expect(outputProblems(spec, {}, 3, ['other'])).toEqual([]);
  });
});
