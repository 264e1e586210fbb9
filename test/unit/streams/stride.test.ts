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

  it('keeps its stride per subscription: a second subscriber (or a retry) starts afresh', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable, expectSubscriptions }) => {
      const values = { a: frame(0), b: frame(100), c: frame(400) };
      const source = cold('a-b-c|', values);
      const strided = source.pipe(strideByStamp(400e6));
      expectObservable(strided).toBe('a---c|', values);
      // Subscribed later: with shared state it would see frame 0 as "too soon after 400 ms".
      expectObservable(strided, '--^').toBe('--a---c|', values);
      expectSubscriptions(source.subscriptions).toBe(['^----!', '--^----!']);
    });
  });

  it('rejects a negative stride', () => {
    expect(() => strideByStamp(-1)).toThrow(/stride must be >= 0 ns, got -1/);
  });
});
