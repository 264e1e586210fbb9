// Packed read-back: the model patched with one Concat output of a graph's runtime-read outputs
// gives their exact bits (views of one read-back), at bucket and padded batch sizes; the graph
// layer packs only where asked and where it can, and says per run what came back; a policy that
// packs steps to the same chunks and the same banks as one that does not, fused and separate.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraph, type Feed } from '../../../src/onnx/graph.js';
import { PACKED_OUTPUT, packProblem, splitPacked, withPackedOutput } from '../../../src/onnx/packed-outputs.js';
import { observeRuns, type RunRecord } from '../../../src/onnx/run-observer.js';
import type { EpisodeState } from '../../../src/policy/episode.js';
import { Policy } from '../../../src/policy/policy.js';
import { BUNDLES, readReference, toObservation } from '../../helpers/reference.js';

const FUSED = join(BUNDLES, 'memoryvla-tiny-fused');
const STEP = join(FUSED, 'step.onnx');
const READ = ['actions', 'perceptual_fused', 'cognitive_fused'];

/** Deterministic feeds of `rows` rows for the graph's inputs (bank axis: the fixture's 4 slots). */
function feedsFor(graph: OnnxGraph, rows: number): Record<string, Feed> {
  const feeds: Record<string, Feed> = {};
  for (const input of graph.inputs) {
    const dims = input.shape.map((d, i) => (i === 0 ? rows : typeof d === 'number' ? d : 4));
    const n = dims.reduce((a, b) => a * b, 1);
    if (input.dtype === 'int64') feeds[input.name] = { data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 3)), dims };
    else if (input.name.endsWith('_mask')) feeds[input.name] = { data: Float32Array.from({ length: n }, (_, i) => (i % 4 < 2 ? 1 : 0)), dims };
    else feeds[input.name] = { data: Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + input.name.length)), dims };
  }
  return feeds;
}

const bits = (f: Feed | undefined): number[] => [...new Uint32Array((f!.data as Float32Array).slice().buffer)];

/** Every bank's timesteps and tokens, as bits. */
function banks(e: EpisodeState): unknown {
  if (e.memory.kind !== 'memoryvla') return [];
  return [...e.memory.banks.values()].map((b) => ({ stream: b.stream, timesteps: b.entries.map((x) => x.timestep), tokens: b.entries.map((x) => [...new Uint32Array(x.tokens.slice().buffer)]) }));
}

describe('packed read-back', () => {
  it('adds one output that holds the named outputs, in order, bit for bit', async () => {
    const model = withPackedOutput(new Uint8Array(readFileSync(STEP)), READ);
    const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
    const plain = await OnnxGraph.create({ file: STEP, buckets: false });
    try {
      expect(session.outputNames).toEqual([...plain.outputs.map((o) => o.name), PACKED_OUTPUT]);
      const feeds = feedsFor(plain, 2);
      const expected = await plain.run(feeds, READ);
      const tensors = Object.fromEntries(Object.entries(feeds).map(([n, f]) => [n, new ort.Tensor(f.data, f.dims)]));
      const packed = (await session.run(tensors, [PACKED_OUTPUT]))[PACKED_OUTPUT]!;
      expect(bits({ data: packed.data as Float32Array, dims: packed.dims })).toEqual(READ.flatMap((n) => bits(expected[n])));
    } finally {
      await Promise.all([session.release(), plain.release()]);
    }
  });

  it('gives, through OnnxGraph, the outputs of the unpacked graph at bucket and padded batch sizes, in one read-back', async () => {
    const plain = await OnnxGraph.create({ file: STEP });
    const packed = await OnnxGraph.create({ file: STEP, packOutputs: READ, packOn: 'always' });
    try {
      expect(packed.packs).toBe(true);
      for (const rows of [1, 3, 4]) {
        const feeds = feedsFor(plain, rows);
        const records: RunRecord[] = [];
        const stop = observeRuns((r) => records.push(r));
        let a: Record<string, Feed>, b: Record<string, Feed>;
        try {
          a = await plain.run(feeds, READ);
          b = await packed.run(feeds, READ);
        } finally {
          stop();
        }
        for (const n of READ) {
          expect(b[n]!.dims, `${n} at ${rows} rows`).toEqual(a[n]!.dims);
          expect(bits(b[n]), `${n} at ${rows} rows`).toEqual(bits(a[n]));
        }
        expect(records.map((r) => [r.packed, r.outputs.map((o) => o.name)])).toEqual([[false, READ], [true, [PACKED_OUTPUT]]]);
        expect(records.every((r) => r.rows === (rows === 3 ? 4 : rows))).toBe(true); // the bucket's rows
        // A subset, and an output outside the pack, come back too.
        const some = await packed.run(feeds, ['cognitive_fused', 'perceptual_attention']);
        expect(Object.keys(some).sort()).toEqual(['cognitive_fused', 'perceptual_attention']);
        expect(bits(some['cognitive_fused'])).toEqual(bits(a['cognitive_fused']));
      }
    } finally {
      await Promise.all([plain.release(), packed.release()]);
    }
  });

  it('packs only where asked and where it can', async () => {
    await using onGpuOnly = await OnnxGraph.create({ file: STEP, packOutputs: READ });
    expect(onGpuOnly.packs).toBe(false); // 'gpu' is the default, and this graph runs on the CPU
    await using one = await OnnxGraph.create({ file: STEP, packOutputs: ['actions'], packOn: 'always' });
    expect(one.packs).toBe(false);
    const declared = [
      { name: 'a', dtype: 'float32', shape: ['batch', 2] },
      { name: 'b', dtype: 'int64', shape: ['batch', 2] },
      { name: 'c', dtype: 'float32', shape: ['batch', 'slots'] },
    ];
    expect(packProblem(declared, ['a', 'b'])).toMatch(/output 'b' is int64/);
    expect(packProblem(declared, ['a', 'c'])).toMatch(/output 'c' has shape \[batch, slots\]/);
    expect(packProblem(declared, ['a', 'x'])).toMatch(/no output 'x'/);
    expect(packProblem(declared, ['a'])).toMatch(/nothing to pack/);
    expect(packProblem(declared, ['a', 'a'])).toMatch(/named twice/);
    expect(packProblem([...declared, { name: 'd', dtype: 'float32', shape: ['batch', 3, 1] }], ['a', 'd'])).toBeUndefined();
    expect(() => splitPacked({ data: new Float32Array(5), dims: [5] }, { outputs: [{ name: 'a', inner: [2] }] }, 2)).toThrow(/5 floats for 2 rows of a \[2\], expected 4/);
  });

  it('steps a policy to the same chunks and banks as without packing, fused and separate, with one read-back per fused step', async () => {
    const ref = readReference('memoryvla-tiny');
    const observations = ref.steps.map((s) => toObservation(s.observation, s.index));
    for (const fused of [true, false]) {
      await using packed = await Policy.load(FUSED, { packReads: 'always', fused });
      await using plain = await Policy.load(FUSED, { packReads: 'never', fused });
      const a = [0, 1, 2].map((s) => packed.newEpisode(s));
      const b = [0, 1, 2].map((s) => plain.newEpisode(s));
      const records: RunRecord[] = [];
      for (const [i, o] of observations.entries()) {
        const batch = i % 2 === 0 ? 3 : 1; // padded to bucket 4, and bucket 1
        const stop = observeRuns((r) => records.push(r));
        let x;
        try {
          x = await packed.stepBatch(a.slice(0, batch).map((episode) => ({ episode, observation: o })));
        } finally {
          stop();
        }
        const y = await plain.stepBatch(b.slice(0, batch).map((episode) => ({ episode, observation: o })));
        x.forEach((r, k) => expect([...new Uint32Array(r.chunk.values.buffer)], `step ${i} row ${k}`).toEqual([...new Uint32Array(y[k]!.chunk.values.buffer)]));
      }
      a.forEach((e, k) => expect(banks(e)).toEqual(banks(b[k]!)));
      const readBacks = records.map((r) => r.outputs.filter((o) => o.location === 'cpu').length);
      if (fused) expect(new Set(readBacks)).toEqual(new Set([1]));
      else expect(records.filter((r) => r.packed).map((r) => r.file.split('/').at(-1))).toEqual(observations.map(() => 'memory.onnx'));
    }
  });
});
