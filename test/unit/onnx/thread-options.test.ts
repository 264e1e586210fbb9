import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { openSession, threadOptions } from '../../../src/onnx/session.js';
import { projectPath } from '../../../src/core/project-files.js';

describe('intra-op threads and spinning (MOMENTO_ORT_SPIN)', () => {
  it('turns pool spinning off where a session has a pool, and leaves one-thread sessions as they are', () => {
    expect(threadOptions(1, {})).toEqual({ intraOpNumThreads: 1, interOpNumThreads: 1 });
    expect(threadOptions(4, {})).toEqual({ intraOpNumThreads: 4, interOpNumThreads: 1, extra: { 'session.intra_op.allow_spinning': '0' } });
    expect(threadOptions(4, { MOMENTO_ORT_SPIN: '0' })).toEqual(threadOptions(4, {}));
  });

  it('MOMENTO_ORT_SPIN=1 restores onnxruntime default; other values are refused, naming the variable and value', () => {
    expect(threadOptions(4, { MOMENTO_ORT_SPIN: '1' })).toEqual({ intraOpNumThreads: 4, interOpNumThreads: 1 });
    expect(() => threadOptions(4, { MOMENTO_ORT_SPIN: 'yes' })).toThrow(/MOMENTO_ORT_SPIN: expected 0 or 1, got "yes"/);
  });

  it('a two-thread session without spinning computes what a one-thread session does', async () => {
    const file = projectPath('policies/memoryvla-sim/head.onnx');
    const one = await openSession(file, 'cpu', { threads: 1 });
    const two = await openSession(file, 'cpu', { threads: 2 });
    const feeds: Record<string, ort.Tensor> = {};
    for (const meta of one.session.inputMetadata) {
      if (!meta.isTensor) continue;
      const dims = meta.shape.map((d) => (typeof d === 'number' ? d : 3));
      const size = dims.reduce((a, b) => a * b, 1);
      feeds[meta.name] = new ort.Tensor('float32', Float32Array.from({ length: size }, (_, i) => Math.sin(i)), dims);
    }
    const a = await one.session.run(feeds);
    const b = await two.session.run(feeds);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const name of Object.keys(a)) {
      const x = a[name]!.data as Float32Array;
      const y = b[name]!.data as Float32Array;
      expect(y.length).toBe(x.length);
      for (let i = 0; i < x.length; i++) expect(Math.abs(y[i]! - x[i]!)).toBeLessThan(1e-5);
    }
    await one.session.release();
    await two.session.release();
  });
});
