// Regression tests for the bundle contract as the README states it, found when an outsider
// exported a policy from the README alone: the batch axis was not enforced (a batch-1 bundle
// loaded, then failed in onnxruntime with a bare message), `observation.instruction` was required
// even when no graph reads `task`, symbolic dimensions from PyTorch's exporter were refused, and
// `step` / `s_times` were demanded though torch.onnx.export drops inputs `forward` never reads.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/bundle/load.js';
import { BundleError } from '../../src/core/errors.js';
import type { Observation } from '../../src/core/types.js';
import { Policy } from '../../src/policy/policy.js';
import { bundleCopy, removeBundleCopies, type Json } from '../helpers/bundle-copy.js';
import { buildModel, type ModelSpec } from '../helpers/onnx-build.js';
import { setDeclaredDim } from '../helpers/onnx-edit.js';
import { readReference, toObservation } from '../helpers/reference.js';

afterEach(removeBundleCopies);

const tensors = (m: Json): Json[] => Object.values(m['graphs']).flatMap((g: Json) => [...g.inputs, ...g.outputs]);
const byName = (list: Json[], name: string): Json => list.find((t: Json) => t.name === name);

// An encoder without `task`: context = [mean over pixels of each channel, proprio] x W, and `flat`,
// the image flattened by a Reshape whose size onnxruntime cannot infer (the image axes are symbolic).
function encoderWithoutTask(flat = true): ModelSpec {
  return {
    inputs: [{ name: 'rgb', shape: ['batch', 3, 'height', 'width'] }, { name: 'proprio', shape: ['batch', 4] }],
    outputs: [{ name: 'context', shape: ['batch', 24] }, ...(flat ? [{ name: 'flat', shape: ['batch', 'Reshapeflat_dim_1'] }] : [])],
    nodes: [
      { op: 'ReduceMean', inputs: ['rgb'], outputs: ['pooled'], attributes: { axes: [2, 3], keepdims: 0 } },
      { op: 'Concat', inputs: ['pooled', 'proprio'], outputs: ['features'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['features', 'w'], outputs: ['context'] },
      ...(flat ? [{ op: 'Reshape', inputs: ['rgb', 'keep_batch'], outputs: ['flat'] }] : []),
    ],
    initializers: [
      { name: 'w', dims: [7, 24], data: Float32Array.from({ length: 7 * 24 }, (_, i) => 0.1 * Math.sin(i)) },
      ...(flat ? [{ name: 'keep_batch', dims: [2], data: BigInt64Array.of(0n, -1n) }] : []),
    ],
  };
}

describe('the batch axis', () => {
  it('a manifest whose first dimension is fixed is refused at load, naming the tensor', () => {
    const dir = bundleCopy('memoryless-tiny', (m) => {
      for (const t of tensors(m)) t.shape[0] = 1;
    });
    expect(() => readManifest(dir)).toThrow(BundleError);
    expect(() => readManifest(dir)).toThrow(/graphs\.encoder\.inputs\.0 'rgb': dimension 0 must be the symbolic "batch", got 1/);
  });
  // A graph that fixes it: test/regression/fixed-batch.test.ts.
});

describe('observation.instruction', () => {
  it('is optional: a bundle without it takes no task input and accepts any task id', async () => {
    const dir = bundleCopy('memoryless-tiny', (m) => {
      delete m['observation'].instruction;
      m['graphs'].encoder.inputs = m['graphs'].encoder.inputs.filter((t: Json) => t.name !== 'task');
    }, 'no-task');
    writeFileSync(join(dir, 'encoder.onnx'), buildModel(encoderWithoutTask(false)));
    await using policy = await Policy.load(dir);
    const ref = readReference('memoryless-tiny');
    const obs = (task: string): Observation => ({ ...toObservation(ref.steps[0]!.observation, 0), instruction: { taskId: task, text: '' } });
    const a = await policy.step(policy.newEpisode(3), obs('reach'));
    const b = await policy.step(policy.newEpisode(3), obs('a task no bundle lists'));
    expect(a.chunk.values.every(Number.isFinite)).toBe(true);
    expect([...b.chunk.values]).toEqual([...a.chunk.values]);
  });

  it('an encoder that reads task needs it, naming the field', () => {
    const dir = bundleCopy('memoryless-tiny', (m) => delete m['observation'].instruction);
    expect(() => readManifest(dir)).toThrow(/graphs\.encoder input 'task': the manifest has no observation\.instruction/);
  });
});

describe('symbolic graph dimensions where the manifest fixes them', () => {
  it('are accepted at load, and the run gives the same chunks as the fixed graph', async () => {
    const ref = readReference('memoryvla-tiny');
    const edited = bundleCopy('memoryvla-tiny');
    setDeclaredDim(join(edited, 'memory.onnx'), 'perceptual', 1, 'Addperceptual_dim_1');
    setDeclaredDim(join(edited, 'encoder.onnx'), 'rgb', 2, 'height');
    await using fixed = await Policy.load(bundleCopy('memoryvla-tiny'));
    await using symbolic = await Policy.load(edited);
    const [e1, e2] = [fixed.newEpisode(ref.episode_seed), symbolic.newEpisode(ref.episode_seed)];
    for (const s of ref.steps.slice(0, 6)) {
      const o = toObservation(s.observation, s.index);
      expect([...(await symbolic.step(e2, o)).chunk.values]).toEqual([...(await fixed.step(e1, o)).chunk.values]);
    }
  });

  it('have their actual size checked when the graph runs: a wrong size fails the load, naming graph and tensor', async () => {
    const dir = bundleCopy('memoryless-tiny', (m) => {
      delete m['observation'].instruction;
      m['graphs'].encoder.inputs = m['graphs'].encoder.inputs.filter((t: Json) => t.name !== 'task');
      m['graphs'].encoder.outputs.push({ name: 'flat', dtype: 'float32', shape: ['batch', 700] });
    }, 'wrong-size');
    writeFileSync(join(dir, 'encoder.onnx'), buildModel(encoderWithoutTask()));
    await expect(Policy.load(dir)).rejects.toThrow(/graph 'encoder' \(encoder\.onnx\): output 'flat': shape \[1, 768\] at run time, the manifest declares \[batch, 700\].*\[bundle=memoryless-tiny\]/);
  });
});

describe('optional memory inputs', () => {
  it("a memoryvla memory graph without 'step' and 's_times' loads and steps; the banks fill as specified", async () => {
    const dir = bundleCopy('memoryvla-tiny', (m) => {
      const memory = m['graphs'].memory;
      memory.inputs = memory.inputs.filter((t: Json) => t.name !== 'step' && !t.name.endsWith('_times'));
      memory.outputs = memory.outputs.filter((t: Json) => !t.name.endsWith('_attention'));
    }, 'no-step');
    const input = (name: string, shape: (number | string)[]) => ({ name, shape });
    writeFileSync(join(dir, 'memory.onnx'), buildModel({
      inputs: [input('perceptual', ['batch', 4, 16]), input('perceptual_bank', ['batch', 4, 4, 16]), input('perceptual_mask', ['batch', 4]), input('cognitive', ['batch', 1, 16]), input('cognitive_bank', ['batch', 4, 1, 16]), input('cognitive_mask', ['batch', 4])],
      outputs: [input('perceptual_fused', ['batch', 4, 16]), input('cognitive_fused', ['batch', 1, 16]), input('memory', ['batch', 16])],
      nodes: [
        { op: 'Identity', inputs: ['perceptual'], outputs: ['perceptual_fused'] },
        { op: 'Identity', inputs: ['cognitive'], outputs: ['cognitive_fused'] },
        // The memory feature reads the bank: at the first call every slot is empty (zeros, as the README's layout says).
        { op: 'ReduceMean', inputs: ['cognitive_bank'], outputs: ['memory'], attributes: { axes: [1, 2], keepdims: 0 } },
      ],
    }));
    expect(byName(readManifest(dir).manifest.graphs.memory!.inputs, 'step')).toBeUndefined();
    await using policy = await Policy.load(dir);
    const ref = readReference('memoryvla-tiny');
    const episode = policy.newEpisode(0);
    const chunks: number[][] = [];
    for (const s of ref.steps.slice(0, 6)) chunks.push([...(await policy.step(episode, toObservation(s.observation, s.index))).chunk.values]);
    const bank = episode.memory.kind === 'memoryvla' ? episode.memory.banks.get('cognitive')! : undefined;
    expect(bank?.size).toBe(4);
    expect(episode.step).toBe(6);
    // The first call reads an empty bank (all zeros), later calls what was written: the chunks differ.
    expect(chunks[1]).not.toEqual(chunks[0]);
  });
});
