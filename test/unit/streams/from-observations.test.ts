import { take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../src/core/types.js';
import { fromObservations } from '../../../src/streams/from-observations.js';

const obs = (index: number): Observation => ({ cameras: [], proprio: new Float32Array(0), instruction: { taskId: '', text: '' }, stampNs: index * 1e8, index });

describe('fromObservations', () => {
  it('emits every observation in order, synchronously, then completes; replay kind by default', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable }) => {
      const list = [obs(0), obs(1), obs(2)];
      const source = fromObservations(list);
      expect(source.kind).toBe('replay');
      expectObservable(source.observation$).toBe('(abc|)', { a: list[0], b: list[1], c: list[2] });
      expect(fromObservations(list, 'live').kind).toBe('live');
    });
  });

  it('stops reading the iterable when unsubscribed', () => {
    let read = 0;
    function* endless(): Generator<Observation> {
      for (;;) yield obs(read++);
    }
    const seen: number[] = [];
    // take(3) unsubscribes from the source after its third value.
    fromObservations(endless()).observation$.pipe(take(3)).subscribe((o) => seen.push(o.index));
    expect(seen).toEqual([0, 1, 2]);
    expect(read).toBeLessThanOrEqual(4);
  });
});
