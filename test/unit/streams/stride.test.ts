import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { strideByStamp } from '../../../src/streams/stride.js';

const frame = (ms: number): { stampNs: number } => ({ stampNs: ms * 1e6 });

describe('strideByStamp', () => {
  it('keeps one frame per stride of capture time, with a tolerance for jitter', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ hot, expectObservable, expectSubscriptions }) => {
      // Frames at 0, 100, 200, 399 (jittered), 500, 810 ms; stride 400 ms, tolerance 50 ms.
      const values = { a: frame(0), b: frame(100), c: frame(200), d: frame(399), e: frame(500), f: frame(810) };
      const source = hot('a-b-c-d-e-f-|', values);
      expectObservable(source.pipe(strideByStamp(400e6, 50e6))).toBe('a-----d---f-|', values);
      expectSubscriptions(source.subscriptions).toBe('^-----------!');
    });
  });

  it('rejects a negative stride', () => {
    expect(() => strideByStamp(-1)).toThrow(/stride must be >= 0 ns, got -1/);
  });
});
