// The lean step: only the outputs something reads are fetched (the retrieval attention only when
// asked for), outputs only the next graph reads stay where they were computed, batches run
// padded to their bucket (and above 64 split) with the results of unbucketed runs, and pooled
// input buffers are never shared by steps in flight at the same time.
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readManifest } from '../../../src/bundle/load.js';
import { isResident, OnnxGraph, type GraphValue } from '../../../src/onnx/graph.js';
import type { EpisodeState } from '../../../src/policy/episode.js';
import { graphPlan } from '../../../src/policy/graph-plan.js';
import { InputPool, padWithFirstRow } from '../../../src/policy/input-pool.js';
import { Policy, type BatchItem } from '../../../src/policy/policy.js';
import { encodeMemorySnapshot } from '../../../src/memory/snapshot.js';
import { syntheticObservations } from '../../../src/runtime/synthetic.js';
import { BUNDLES, maxRelativeError } from '../../helpers/reference.js';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Records every graph run from now on: file, requested outputs, and the returned values. */
function recordRuns(): { file: string; outputs: readonly string[] | undefined; result: Record<string, GraphValue> }[] {
  const runs: { file: string; outputs: readonly string[] | undefined; result: Record<string, GraphValue> }[] = [];
  const real = OnnxGraph.prototype.runValues;
  vi.spyOn(OnnxGraph.prototype, 'runValues').mockImplementation(async function (this: OnnxGraph, ...args: Parameters<OnnxGraph['runValues']>) {
    const result = await real.apply(this, args);
    runs.push({ file: this.file.split('/').at(-1)!, outputs: args[1], result });
    return result;
  });
  return runs;
}

const snapshot = (e: EpisodeState): string => Buffer.from(encodeMemorySnapshot(e.snapshot())).toString('base64');

describe('graph plan', () => {
  it('fetches the attention only when asked for, and leaves what only a graph reads on the device', () => {
    const { manifest } = readManifest(join(BUNDLES, 'memoryvla-tiny'));
    const lean = graphPlan(manifest, { attention: false, fused: true });
    expect(lean.fetch.memory).toEqual(['perceptual_fused', 'cognitive_fused', 'memory']);
    expect(lean.deviceOutputs).toEqual({ encoder: ['perceptual', 'cognitive', 'context'], memory: ['memory'], head: [], step: [] });
    expect(lean.fused).toBe(false); // no step graph in this bundle
    const inspecting = graphPlan(manifest, { attention: true, fused: true });
    expect(inspecting.fetch.memory).toEqual(['perceptual_fused', 'perceptual_attention', 'cognitive_fused', 'cognitive_attention', 'memory']);
    expect(inspecting.deviceOutputs.memory).toEqual(['memory']);
    const hamlet = graphPlan(readManifest(join(BUNDLES, 'hamlet-tiny')).manifest, { attention: false, fused: true });
    expect(hamlet.fetch.encoder).toContain('moments'); // the window is written from it
    expect(hamlet.deviceOutputs.encoder).not.toContain('moments');
  });
});

describe('outputs fetched', () => {
  it.each([false, true])('attention %s: the memory graph is asked for exactly the planned outputs; same chunks', async (attention) => {
    await using policy = await Policy.load(join(BUNDLES, 'memoryvla-tiny'), { attention });
    await using reference = await Policy.load(join(BUNDLES, 'memoryvla-tiny'), { attention: true, buckets: false });
    const obs = [...syntheticObservations(policy.manifest, 6)];
    const [e, r] = [policy.newEpisode(3), reference.newEpisode(3)];
    const expected = [];
    for (const o of obs) expected.push(await reference.step(r, o));
    const runs = recordRuns();
    for (const [i, o] of obs.entries()) {
      const x = await policy.step(e, o);
      expect(maxRelativeError(x.chunk.values, expected[i]!.chunk.values)).toBeLessThan(1e-6);
      for (const s of x.memory.streams) expect(s.attention !== undefined, s.name).toBe(attention);
    }
    const memoryRuns = runs.filter((run) => run.file === 'memory.onnx');
    expect(memoryRuns.length).toBe(obs.length);
    for (const run of memoryRuns) {
      expect(Object.keys(run.result).sort()).toEqual([...(run.outputs ?? [])].sort());
      expect(Object.keys(run.result).some((n) => n.endsWith('_attention'))).toBe(attention);
    }
    // Inline, the encoder's outputs (read only by the memory graph and the head) stay ort tensors.
    const encoderRun = runs.find((run) => run.file === 'encoder.onnx')!;
    expect(Object.values(encoderRun.result).every(isResident)).toBe(true);
    expect(snapshot(e)).toEqual(snapshot(r));
  });
});

describe('batch buckets', () => {
  it.each(['hamlet-tiny', 'memoryvla-tiny', 'memoryless-tiny'])('%s: padded batches (5) and split ones (70) equal unbucketed runs', async (bundle) => {
    await using bucketed = await Policy.load(join(BUNDLES, bundle));
    await using plain = await Policy.load(join(BUNDLES, bundle), { buckets: false });
    const obs = [...syntheticObservations(bucketed.manifest, 3)];
    for (const size of [5, 70]) {
      const a = Array.from({ length: size }, (_, s) => bucketed.newEpisode(s));
      const b = Array.from({ length: size }, (_, s) => plain.newEpisode(s));
      for (const o of obs) {
        const items = (eps: EpisodeState[]): BatchItem[] => eps.map((episode, i) => ({ episode, observation: { ...o, proprio: o.proprio.map((v) => v + i * 0.01) } }));
        const [x, y] = [await bucketed.stepBatch(items(a)), await plain.stepBatch(items(b))];
        expect(x.length).toBe(size);
        x.forEach((r, i) => {
          expect(maxRelativeError(r.chunk.values, y[i]!.chunk.values), `${size} row ${i}`).toBeLessThan(1e-5);
          expect(r.memory.streams.map((s) => [s.entries, s.mergedAt])).toEqual(y[i]!.memory.streams.map((s) => [s.entries, s.mergedAt]));
        });
      }
      a.forEach((e, i) => expect(e.step).toBe(b[i]!.step));
    }
  });
});

describe('pooled inputs', () => {
  it('hands a set to one step at a time and keeps a bounded number', () => {
    let made = 0;
    const pool = new InputPool((rows) => ({ rows, id: made++ }), 2, 2);
    const [a, b] = [pool.take(4), pool.take(4)];
    expect(a).not.toBe(b);
    pool.give(4, a);
    pool.give(4, b);
    pool.give(4, { rows: 4, id: -1 }); // over perSize: dropped
    expect([pool.take(4), pool.take(4), pool.take(4)].map((s) => s.id)).toEqual([1, 0, 2]);
    pool.give(1, { rows: 1, id: 10 });
    pool.give(2, { rows: 2, id: 11 }); // a third size: dropped
    expect(pool.take(2).id).toBe(3);
    expect(pool.reused).toBe(2);
  });

  it('pads with the first row', () => {
    const t = { data: Float32Array.of(1, 2, 3, 4, 0, 0, 0, 0), dims: [4, 2] };
    padWithFirstRow([t], 2);
    expect([...t.data]).toEqual([1, 2, 3, 4, 1, 2, 1, 2]);
  });

  it.each(['inline', 'worker'] as const)('%s: batches of one policy in flight at once give the results of batches run one after another', async (inference) => {
    await using policy = await Policy.load(join(BUNDLES, 'memoryvla-tiny'), { inference });
    await using sequential = await Policy.load(join(BUNDLES, 'memoryvla-tiny'), { inference: 'inline' });
    const obs = [...syntheticObservations(policy.manifest, 4)];
    const groups = [0, 1, 2].map((g) => Array.from({ length: 3 }, (_, s) => policy.newEpisode(10 * g + s)));
    const alone = [0, 1, 2].map((g) => Array.from({ length: 3 }, (_, s) => sequential.newEpisode(10 * g + s)));
    for (const [t, o] of obs.entries()) {
      // Different observations per group, so a shared buffer would show in the chunks.
      const items = (eps: EpisodeState[], g: number): BatchItem[] => eps.map((episode) => ({ episode, observation: obs[(t + g) % obs.length]! }));
      const together = await Promise.all(groups.map((eps, g) => policy.stepBatch(items(eps, g))));
      for (const [g, eps] of alone.entries()) {
        const expected = await sequential.stepBatch(items(eps, g));
        expected.forEach((r, i) => expect([...together[g]![i]!.chunk.values], `group ${g} row ${i} at ${t}`).toEqual([...r.chunk.values]));
      }
      void o;
    }
    groups.forEach((eps, g) => eps.forEach((e, i) => expect(snapshot(e)).toEqual(snapshot(alone[g]![i]!))));
  });
});
