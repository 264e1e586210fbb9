// Static batch buckets: the rewritten model declares the bucket as its batch, a bucketed graph
// gives the outputs of the graph as exported for every batch size (padded rows dropped), the
// sessions are opened lazily and only for buckets, batches above 64 run in the graph as exported,
// and the threads follow the batch size.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { BATCH_BUCKETS, bucketFor, OnnxGraph, padRows, threadsForBatch, type Feed } from '../../../src/onnx/graph.js';
import { withStaticBatch } from '../../../src/onnx/static-batch.js';
import { BUNDLES } from '../../helpers/reference.js';

const MEMORY = join(BUNDLES, 'memoryvla-tiny', 'memory.onnx');

/** Deterministic feeds of `rows` rows for the graph's inputs, every row different. */
function feedsFor(graph: OnnxGraph, rows: number): Record<string, Feed> {
  const feeds: Record<string, Feed> = {};
  for (const input of graph.inputs) {
    // Symbolic axes past the batch (memoryvla-tiny's bank axis 'slots') get the bundle's capacity, 4.
    const dims = input.shape.map((d, i) => (i === 0 ? rows : typeof d === 'number' ? d : 4));
    const n = dims.reduce((a, b) => a * b, 1);
    const data = input.name.endsWith('_mask') ? Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1)) : Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + input.name.length));
    feeds[input.name] = { data, dims };
  }
  return feeds;
}

describe('static batch', () => {
  it('maps a batch to its bucket and picks threads by batch size', () => {
    expect(BATCH_BUCKETS).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect([1, 2, 3, 5, 9, 16, 17, 33, 64].map(bucketFor)).toEqual([1, 2, 4, 8, 16, 16, 32, 64, 64]);
    expect(bucketFor(65)).toBeUndefined();
    expect([1, 8, 15].map((b) => threadsForBatch(b, 16))).toEqual([1, 1, 1]);
    expect([16, 64].map((b) => threadsForBatch(b, 16))).toEqual([4, 4]);
    expect(threadsForBatch(64, 2)).toBe(1); // never every core of a 2-core machine
    expect(threadsForBatch(64, 4)).toBe(2);
    expect(threadsForBatch(64, 1)).toBe(1);
  });

  it('rewrites dimension 0 of every input and output to the bucket', async () => {
    const session = await ort.InferenceSession.create(withStaticBatch(MEMORY, 8));
    try {
      for (const meta of [...session.inputMetadata, ...session.outputMetadata]) {
        expect(meta.isTensor && meta.shape[0], meta.name).toBe(8);
      }
    } finally {
      await session.release();
    }
  });

  it('copies every byte but the dimensions: fields newer than the schema survive, and the model still runs', async () => {
    const original = readFileSync(MEMORY);
    // An unknown field of ModelProto (number 99, varint 7), as a newer IR version might add.
    const unknown = Uint8Array.of((99 << 3) & 0x7f | 0x80, 99 >> 4, 7);
    const dir = mkdtempSync(join(tmpdir(), 'momento-static-'));
    try {
      const file = join(dir, 'memory.onnx');
      writeFileSync(file, Buffer.concat([original, unknown]));
      const rewritten = withStaticBatch(file, 2);
      expect([...rewritten.subarray(rewritten.length - unknown.length)]).toEqual([...unknown]);
      const session = await ort.InferenceSession.create(rewritten);
      expect(session.inputMetadata.every((m) => m.isTensor && m.shape[0] === 2)).toBe(true);
      await session.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pads a batch with copies of row 0', () => {
    const padded = padRows({ data: Float32Array.of(1, 2, 3, 4, 5, 6), dims: [3, 2] }, 3, 4);
    expect(padded.dims).toEqual([4, 2]);
    expect([...padded.data]).toEqual([1, 2, 3, 4, 5, 6, 1, 2]);
  });

  it('gives the outputs of the graph as exported for every batch size, opening bucket sessions lazily', async () => {
    await using bucketed = await OnnxGraph.create({ file: MEMORY, inference: 'inline' });
    await using exported = await OnnxGraph.create({ file: MEMORY, inference: 'inline', buckets: false });
    expect(bucketed.openBuckets).toEqual([]);
    for (const rows of [1, 3, 5, 16, 70]) {
      const feeds = feedsFor(exported, rows);
      const [a, b] = [await bucketed.run(feeds), await exported.run(feeds)];
      for (const name of Object.keys(b)) {
        expect(a[name]!.dims, `${name} at ${rows}`).toEqual(b[name]!.dims);
        const [x, y] = [Array.from(a[name]!.data, Number), Array.from(b[name]!.data, Number)];
        expect(Math.max(0, ...x.map((v, i) => Math.abs(v - y[i]!))), `${name} at ${rows}`).toBeLessThan(1e-5);
      }
    }
    // 1, 3 → 4, 5 → 8, 16; 70 is above the largest bucket and runs as exported.
    expect(bucketed.openBuckets).toEqual([1, 4, 8, 16]);
    expect(exported.openBuckets).toEqual([]);
    expect(bucketed.runBatch(3)).toBe(4);
    expect(bucketed.runBatch(70)).toBe(70);
    expect(exported.runBatch(3)).toBe(3);
    expect(bucketed.threadsFor(4, 16)).toBe(1);
    expect(bucketed.threadsFor(32, 16)).toBe(4);
  });

  it('keeps the threads it was given for every bucket', async () => {
    await using graph = await OnnxGraph.create({ file: MEMORY, inference: 'inline', threads: 1 });
    expect([1, 16, 64].map((b) => graph.threadsFor(b, 16))).toEqual([1, 1, 1]);
  });

  it('runs bucket sessions in the inference worker too', async () => {
    await using worker = await OnnxGraph.create({ file: MEMORY, inference: 'worker' });
    await using inline = await OnnxGraph.create({ file: MEMORY, inference: 'inline', buckets: false });
    const feeds = feedsFor(inline, 3);
    const [a, b] = [await worker.run(feeds), await inline.run(feeds)];
    expect(worker.openBuckets).toEqual([4]);
    for (const name of Object.keys(b)) {
      expect(a[name]!.dims).toEqual(b[name]!.dims);
      const [x, y] = [Array.from(a[name]!.data, Number), Array.from(b[name]!.data, Number)];
      expect(Math.max(0, ...x.map((v, i) => Math.abs(v - y[i]!)))).toBeLessThan(1e-5);
    }
  });
});
