// stepLatest: live semantics for a model in the loop. One step runs at a time; frames that
// arrive meanwhile replace each other, and when the step ends the newest waiting frame runs
// next. Replaced frames are counted (never queued without bound).
import { Observable, type OperatorFunction } from 'rxjs';

export interface DropCounter {
  dropped: number;
}

/**
 * @example
 * observation$.pipe(stepLatest((obs) => policy.step(episode, obs), counter))
 * // a--b-c-d----|  with steps taking 3 frames: runs a, then d (b, c dropped: counter.dropped = 2)
 */
export function stepLatest<T, R>(project: (value: T) => Promise<R> | Observable<R>, counter: DropCounter = { dropped: 0 }): OperatorFunction<T, R> {
  return (source$) =>
    new Observable<R>((subscriber) => {
      let busy = false;
      let pending: { value: T } | undefined;
      let sourceDone = false;
      let closed = false;
      let inner: { unsubscribe(): void } | undefined;

      const start = (value: T): void => {
        let result: Promise<R> | Observable<R>;
        try {
          result = project(value);
        } catch (err) {
          subscriber.error(err);
          return;
        }
        busy = true;
        const inner$ = result instanceof Observable ? result : new Observable<R>((s) => {
          result.then((r) => { s.next(r); s.complete(); }, (e: unknown) => s.error(e));
        });
        inner = inner$.subscribe({
          next: (r) => subscriber.next(r),
          error: (e: unknown) => subscriber.error(e),
          complete: () => {
            busy = false;
            inner = undefined;
            if (closed) return;
            if (pending) {
              const next = pending.value;
              pending = undefined;
              start(next);
            } else if (sourceDone) {
              subscriber.complete();
            }
          },
        });
      };

      const sub = source$.subscribe({
        next: (value) => {
          if (!busy) return start(value);
          if (pending) counter.dropped++;
          pending = { value };
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          sourceDone = true;
          if (!busy) subscriber.complete();
        },
      });
      return () => {
        closed = true;
        sub.unsubscribe();
        inner?.unsubscribe();
      };
    });
}
