// fromObservations: an in-process ObservationSource over a fixed list (tests, generated streams).
import { from } from 'rxjs';
import type { ObservationSource } from '../core/interfaces.js';
import type { Observation } from '../core/types.js';

/**
 * @example
 * runSource({ policy, source: fromObservations(syntheticObservations(manifest, 100)) })
 * // replay kind: every observation is stepped, in order
 */
export function fromObservations(observations: Iterable<Observation>, kind: 'live' | 'replay' = 'replay'): ObservationSource {
  return { kind, observation$: from(observations) };
}
