// The runtime against PyTorch: the tiny test bundles' graphs and whole episodes (preprocess,
// memory state, sampler loop, de-normalisation) must match the exporter's reference outputs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxGraph, type Feed } from '../../../src/onnx/graph.js';
import { Policy } from '../../../src/policy/policy.js';
import { BUNDLES, maxRelativeError, readReference, toObservation } from '../../helpers/reference.js';

const NAMES = ['hamlet-tiny', 'memoryvla-tiny', 'memoryless-tiny'] as const;

interface IoTensor { name: string; dtype: string; shape: number[]; data: number[] }

describe.each(NAMES)('%s', (name) => {
  const dir = join(BUNDLES, name);
  let policy: Policy;
  beforeAll(async () => {
    policy = await Policy.load(dir, { attention: true });
  });
  afterAll(async () => {
    await policy.release();
  });

  it('each graph reproduces the PyTorch outputs to 1e-4 relative', async () => {
    const io = JSON.parse(readFileSync(join(dir, 'graph_io.json'), 'utf8')) as { graphs: Record<string, { inputs: IoTensor[]; outputs: IoTensor[] }> };
    for (const [role, { inputs, outputs }] of Object.entries(io.graphs)) {
      await using graph = await OnnxGraph.create({ file: join(dir, `${role}.onnx`) });
      const feeds: Record<string, Feed> = {};
      for (const t of inputs) feeds[t.name] = { data: t.dtype === 'int64' ? BigInt64Array.from(t.data.map(BigInt)) : Float32Array.from(t.data), dims: t.shape };
      const out = await graph.run(feeds);
      for (const t of outputs) {
        expect(out[t.name]?.dims, `${role}.${t.name} dims`).toEqual(t.shape);
        expect(maxRelativeError(out[t.name]!.data as Float32Array, t.data), `${role}.${t.name}`).toBeLessThan(1e-4);
      }
    }
  });

  it('a 24-step episode matches the PyTorch reference loop (chunks and memory)', async () => {
    const ref = readReference(name);
    expect(policy.manifest.seed).toBe(ref.manifest_seed);
    const episode = policy.newEpisode(ref.episode_seed);
    const { low, high } = policy.manifest.action;
    const A = low.length;
    for (const step of ref.steps) {
      const result = await policy.step(episode, toObservation(step.observation, step.index));
      const clamped = result.chunk.values.map((v, i) => Math.min(high[i % A]!, Math.max(low[i % A]!, v)));
      expect(maxRelativeError(clamped, step.chunk), `step ${step.index} chunk`).toBeLessThan(ref.tolerance.relative);
      for (const [stream, mem] of Object.entries(step.memory ?? {})) {
        const stats = result.memory.streams.find((s) => s.name === stream)!;
        expect(stats.entries, `step ${step.index} ${stream} size`).toBe(mem.size);
        expect(stats.mergedAt, `step ${step.index} ${stream} merges`).toEqual(mem.merged_at);
        if (mem.attention) expect(maxRelativeError(stats.attention!, mem.attention), `step ${step.index} ${stream} attention`).toBeLessThan(1e-4);
        const bank = episode.memory.kind === 'memoryvla' ? episode.memory.banks.get(stream)! : undefined;
        expect(bank?.entries.map((e) => e.timestep)).toEqual(mem.timesteps);
      }
    }
  });
});
