// The RxJS step pipeline: observation$ → StepResult$ → action$. Live sources step the newest
// frame only (stepLatest, drops counted); replay sources step every frame in order
// (concatMap). Actions leave at the control rate through the ActionScheduler.
import { Observable, concatMap, from, interval, map, tap, type OperatorFunction } from 'rxjs';
import type { ObservationSource } from '../core/interfaces.js';
import type { Action, Observation, StepResult } from '../core/types.js';
import type { ActionScheduler } from './action-scheduler.js';
import type { PolicyBackend } from './backend.js';
import { stepLatest, type DropCounter } from '../streams/step-latest.js';

/** Steps `policy` on each observation of `source` with the semantics its kind asks for. */
export function policySteps<Episode>(policy: PolicyBackend<Episode>, episode: Episode, source: ObservationSource, counter: DropCounter = { dropped: 0 }): Observable<StepResult> {
  const step = (obs: Observation): Promise<StepResult> => policy.step(episode, obs);
  const operator: OperatorFunction<Observation, StepResult> = source.kind === 'live' ? stepLatest(step, counter) : concatMap((obs) => from(step(obs)));
  return source.observation$.pipe(operator);
}

/** A clock in nanoseconds; the default is the process's monotonic clock on the epoch scale. */
export type NowNs = () => number;
export const monotonicNowNs: NowNs = () => Math.round((performance.timeOrigin + performance.now()) * 1e6);

/**
 * Live actions: every step's chunk goes to the scheduler; the scheduler is polled at `rateHz`
 * and each tick's action (or hold) is emitted. Completes when the steps complete.
 */
export function scheduleActions(scheduler: ActionScheduler, rateHz: number, now: NowNs = monotonicNowNs): OperatorFunction<StepResult, Action> {
  return (step$) =>
    new Observable<Action>((subscriber) => {
      // A partial observer, not `subscriber` itself: subscribing a Subscriber hands it over, and
      // unsubscribing the ticks would then close the output before it can complete.
      const ticks = interval(1000 / rateHz)
        .pipe(map(() => scheduler.next(now())))
        .subscribe({ next: (a) => subscriber.next(a), error: (e: unknown) => subscriber.error(e) });
      const steps = step$.pipe(tap((r) => scheduler.push(r.chunk))).subscribe({
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          ticks.unsubscribe();
          subscriber.complete();
        },
      });
      return () => {
        ticks.unsubscribe();
        steps.unsubscribe();
      };
    });
}

/** An in-process source over a fixed list of observations (tests, generated streams). */
export function fromObservations(observations: Iterable<Observation>, kind: 'live' | 'replay' = 'replay'): ObservationSource {
  return { kind, observation$: from(observations) };
}
