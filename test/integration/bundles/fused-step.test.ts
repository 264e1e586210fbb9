// The fused step graph (graphs.step: encoder + memory read + head in one graph, composed by
// policies/export_fused_fixture.py): one graph run per step, the same chunks and the same memory
// as the three separate graphs (and as the PyTorch reference loop), batched too; and the contract
// refuses step graphs that cannot work, naming the problem.
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StepResult } from '../../../src/core/types.js';
import { OnnxGraph } from '../../../src/onnx/graph.js';
import type { EpisodeState } from '../../../src/policy/episode.js';
import { Policy } from '../../../src/policy/policy.js';
import { bundleCopy, removeBundleCopies, type Json } from '../../helpers/bundle-copy.js';
import { BUNDLES, maxRelativeError, readReference, toObservation } from '../../helpers/reference.js';

const FUSED = join(BUNDLES, 'memoryvla-tiny-fused');
const ref = readReference('memoryvla-tiny');
const observations = ref.steps.map((s) => toObservation(s.observation, s.index));

/** Every bank's timesteps and tokens. */
function banks(e: EpisodeState): { stream: string; timesteps: number[]; tokens: number[] }[] {
  if (e.memory.kind !== 'memoryvla') return [];
  return [...e.memory.banks.values()].map((b) => ({ stream: b.stream, timesteps: b.entries.map((x) => x.timestep), tokens: b.entries.flatMap((x) => [...x.tokens]) }));
}

/** Counts graph runs by file name from now on. */
function countRuns(): Map<string, number> {
  const counts = new Map<string, number>();
  const real = OnnxGraph.prototype.runValues;
  vi.spyOn(OnnxGraph.prototype, 'runValues').mockImplementation(function (this: OnnxGraph, ...args: Parameters<OnnxGraph['runValues']>) {
    const name = this.file.split('/').at(-1)!;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return real.apply(this, args);
  });
  return counts;
}

afterEach(() => {
  vi.restoreAllMocks();
  removeBundleCopies();
});

describe('fused step graph', () => {
  it('runs one graph per step, with the chunks and memory of the separate graphs and the reference', async () => {
    await using fused = await Policy.load(FUSED, { attention: true });
    await using separate = await Policy.load(FUSED, { attention: true, fused: false });
    expect(fused.plan.fused).toBe(true);
    expect(separate.plan.fused).toBe(false);
    const a = fused.newEpisode(ref.episode_seed);
    const b = separate.newEpisode(ref.episode_seed);
    const runs = countRuns();
    for (const [i, o] of observations.entries()) {
      const [x, y] = [await fused.step(a, o), await separate.step(b, o)];
      expect(maxRelativeError(x.chunk.values, y.chunk.values), `step ${i} chunk`).toBeLessThan(1e-6);
      expect(maxRelativeError(x.chunk.values, ref.steps[i]!.chunk), `step ${i} vs reference`).toBeLessThan(ref.tolerance.relative);
      expect(x.memory.streams.map((s) => [s.name, s.entries, s.mergedAt])).toEqual(y.memory.streams.map((s) => [s.name, s.entries, s.mergedAt]));
      x.memory.streams.forEach((s, j) => expect(maxRelativeError(s.attention!, y.memory.streams[j]!.attention!)).toBeLessThan(1e-6));
    }
    expect(runs.get('step.onnx')).toBe(observations.length);
    expect(runs.get('memory.onnx')).toBe(observations.length); // the separate policy's
    const [ba, bb] = [banks(a), banks(b)];
    expect(ba.map((x) => x.timesteps)).toEqual(bb.map((x) => x.timesteps));
    ba.forEach((x, j) => expect(maxRelativeError(x.tokens, bb[j]!.tokens)).toBeLessThan(1e-6));
    expect(banks(a).some((x) => x.timesteps.length > 0)).toBe(true);
  });

  it('runs batches (padded to their bucket) as the steps of one episode each', async () => {
    await using fused = await Policy.load(FUSED);
    const alone = [0, 1, 2].map((s) => fused.newEpisode(s));
    const batched = [0, 1, 2].map((s) => fused.newEpisode(s));
    for (const o of observations.slice(0, 8)) {
      const one: StepResult[] = [];
      for (const e of alone) one.push(await fused.step(e, o));
      const many = await fused.stepBatch(batched.map((episode) => ({ episode, observation: o })));
      // Batch 3 runs in the bucket-4 session, batch 1 in the bucket-1 one: kernels of another shape.
      many.forEach((r, i) => expect(maxRelativeError(r.chunk.values, one[i]!.chunk.values)).toBeLessThan(1e-5));
    }
    batched.forEach((e, i) => {
      const [x, y] = [banks(e), banks(alone[i]!)];
      expect(x.map((b) => b.timesteps)).toEqual(y.map((b) => b.timesteps));
      x.forEach((b, j) => expect(maxRelativeError(b.tokens, y[j]!.tokens)).toBeLessThan(1e-5));
    });
  });

  it('is refused, naming the problem, where it cannot work', async () => {
    const edit = (change: (m: Record<string, Json>) => void): string => bundleCopy('memoryvla-tiny-fused', change);
    const noActions = edit((m) => (m['graphs'].step.outputs = m['graphs'].step.outputs.filter((t: Json) => t.name !== 'actions')));
    await expect(Policy.load(noActions)).rejects.toThrow(/graphs\.step outputs: tensor 'actions' \[batch, 8, 3\] is required/);
    const noFused = edit((m) => (m['graphs'].step.outputs = m['graphs'].step.outputs.filter((t: Json) => t.name !== 'perceptual_fused')));
    await expect(Policy.load(noFused)).rejects.toThrow(/graphs\.step outputs: tensor 'perceptual_fused' \[batch, 4, 16\] is required/);
    const stranger = edit((m) => m['graphs'].step.inputs.push({ name: 'context', dtype: 'float32', shape: ['batch', 16] }));
    await expect(Policy.load(stranger)).rejects.toThrow(/graphs\.step input 'context': not a runtime-provided tensor/);
    const flow = edit((m) => (m['head'] = { kind: 'flow', steps: 2 }));
    await expect(Policy.load(flow)).rejects.toThrow(/graphs\.step: a fused step graph needs head\.kind 'direct', got 'flow'/);
    const wrongFile = edit((m) => (m['graphs'].step.file = 'memory.onnx'));
    await expect(Policy.load(wrongFile)).rejects.toThrow(/graph 'step' \(memory\.onnx\): input 'rgb': declared in the manifest, missing from the graph/);
  });
});
