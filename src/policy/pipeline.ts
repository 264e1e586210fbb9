// The RxJS step pipeline: observation$ → StepResult$. Live sources step the newest frame only
// (stepLatest, drops counted); replay sources step every frame in order (concatMap). The
// operators themselves live in src/streams/, the control clock in streams/tick-locked-actions.
import { concatMap, from, type Observable, type OperatorFunction } from 'rxjs';
import type { ObservationSource } from '../core/interfaces.js';
import type { Observation, StepResult } from '../core/types.js';
import type { PolicyBackend } from './backend.js';
import { stepLatest, type DropCounter } from '../streams/step-latest.js';

/** Steps `policy` on each observation of `source` with the semantics its kind asks for (`step` overrides how one step runs). */
export function policySteps<Episode>(
  policy: PolicyBackend<Episode>,
  episode: Episode,
  source: ObservationSource,
  counter: DropCounter = { dropped: 0 },
  step: (obs: Observation) => Promise<StepResult> = (obs) => policy.step(episode, obs),
): Observable<StepResult> {
  const operator: OperatorFunction<Observation, StepResult> = source.kind === 'live' ? stepLatest(step, counter) : concatMap((obs) => from(step(obs)));
  return source.observation$.pipe(operator);
}
