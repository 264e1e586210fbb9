// The inference worker behind OnnxGraph: the same outputs as an inline session, the caller's feed
// arrays intact after a call (they are copied into pooled buffers that move to the worker), pooled
// buffers reused, errors from the worker's session named, and whole policies equal in both modes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnnxGraph, type Feed } from '../../../src/onnx/graph.js';
import { Policy } from '../../../src/policy/policy.js';
import { InferenceThread } from '../../../src/onnx/inference-thread.js';
import { syntheticObservations } from '../../../src/runtime/synthetic.js';
import { ROOT } from '../../helpers/cli.js';

const TINY = join(ROOT, 'test/fixtures/bundles');

describe('inference worker', () => {
  it('runs a graph with the same outputs as inline and leaves the feeds to the caller', async () => {
    const file = join(TINY, 'memoryless-tiny', 'head.onnx');
    await using inline = await OnnxGraph.create({ file, inference: 'inline' });
    await using worker = await OnnxGraph.create({ file, inference: 'worker' });
    expect(worker.inference).toBe('worker');
    expect(worker.inputs).toEqual(inline.inputs);
    expect(worker.outputs).toEqual(inline.outputs);
    const feeds: Record<string, Feed> = {};
    for (const input of inline.inputs) {
      const dims = input.shape.map((d) => (typeof d === 'number' ? d : 3));
      const n = dims.reduce((a, b) => a * b, 1);
      feeds[input.name] = input.dtype === 'int64' ? { data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 2)), dims } : { data: Float32Array.from({ length: n }, (_, i) => Math.sin(i)), dims };
    }
    const a = await inline.run(feeds);
    const b = await worker.run(feeds);
    const c = await worker.run(feeds);
    for (const name of Object.keys(a)) {
      expect([...b[name]!.data]).toEqual([...a[name]!.data]);
      expect([...c[name]!.data]).toEqual([...a[name]!.data]);
      expect(b[name]!.dims).toEqual(a[name]!.dims);
    }
    for (const feed of Object.values(feeds)) expect(feed.data.length).toBeGreaterThan(0); // not detached
    const err = await worker.run({}).catch((e: unknown) => e);
    expect(String(err)).toMatch(/input/i);
  });

  it('pools buffers and gives whole policies the same chunks as inline', async () => {
    for (const bundle of ['memoryvla-tiny', 'hamlet-tiny', 'memoryless-tiny']) {
      const dir = join(TINY, bundle);
      await using inline = await Policy.load(dir, { inference: 'inline' });
      await using worker = await Policy.load(dir, { inference: 'worker' });
      const thread = InferenceThread.join();
      const reusedBefore = thread.pool.reused;
      const obs = [...syntheticObservations(inline.manifest, 5, 2)];
      const e1 = inline.newEpisode(2);
      const e2 = worker.newEpisode(2);
      for (const o of obs) {
        const x = await inline.step(e1, o);
        const y = await worker.step(e2, o);
        expect([...y.chunk.values]).toEqual([...x.chunk.values]);
      }
      expect(thread.pool.reused).toBeGreaterThan(reusedBefore);
      await thread.leave();
    }
  });
});
