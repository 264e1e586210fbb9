import { Observable, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { stepLatest } from '../../../src/streams/step-latest.js';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('stepLatest', () => {
  it('steps the newest waiting frame when a step ends, counting the replaced ones', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const counter = { dropped: 0 };
      const source = hot('  a-b-c-d--------|');
      const sub = '         ^--------------!';
      // Each step takes 5 frames and emits its input upper-cased.
      const step = (v: string): Observable<string> => cold('-----(x|)', { x: v.toUpperCase() });
      // a runs 0-5; b is replaced by c (dropped); c runs 5-10 while d waits; d runs 10-15.
      expectObservable(source.pipe(stepLatest(step, counter))).toBe('-----A----C----(D|)');
      expectSubscriptions(source.subscriptions).toBe(sub);
      return () => expect(counter.dropped).toBe(1);
    });
  });

  it('processes every frame when steps are faster than frames', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const source = hot('a---b---c---|');
      expectObservable(source.pipe(stepLatest((v: string) => cold('-(x|)', { x: v })))).toBe('-a---b---c--|');
    });
  });

  it('unsubscribes the running step and the source on teardown', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot('a-b-c--');
      const inner = cold('----(x|)', { x: 'X' });
      expectObservable(source.pipe(stepLatest(() => inner)), '^--!').toBe('---');
      expectSubscriptions(source.subscriptions).toBe('^--!');
      expectSubscriptions(inner.subscriptions).toBe('^--!');
    });
  });

  it('accepts promises', async () => {
    const out: number[] = [];
    await new Promise<void>((resolve, reject) =>
      of(1, 2, 3)
        .pipe(stepLatest(async (v: number) => v * 2))
        .subscribe({ next: (v) => out.push(v), complete: resolve, error: reject }),
    );
    // of() is synchronous: 1 starts, 2 is replaced by 3 while 1 runs.
    expect(out).toEqual([2, 6]);
  });
});
