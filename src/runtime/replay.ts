// Replays of recorded episodes: (1) regression — run a policy open-loop on the observations the
// recorded policy stepped on and compare its chunks with the recorded ones; (2) actions — send
// the recorded actions to a simulator session reset with the recorded task and seed and compare
// the outcome (and every observation, byte for byte).
import type { EpisodeEnv } from '../core/interfaces.js';
import type { Observation } from '../core/types.js';
import type { Policy } from '../policy/policy.js';
import type { RecordedEpisode } from '../record/index.js';

export interface StepDifference {
  readonly step: number;
  readonly maxAbs: number;
  readonly meanAbs: number;
}

export interface RegressionReport {
  readonly file: string;
  readonly steps: number;
  readonly maxAbs: number;
  readonly meanAbs: number;
  /** First policy step whose max difference exceeds the tolerance; undefined when none does. */
  readonly firstDivergence: number | undefined;
  readonly identical: boolean;
  readonly perStep: readonly StepDifference[];
}

/** Runs `policy` on the episode's stepped observations (a fresh episode with the recorded seed). */
export async function replayRegression(policy: Policy, episode: RecordedEpisode, tolerance: number): Promise<RegressionReport> {
  if (episode.steps.length === 0) throw new RangeError(`${episode.file}: no policy steps recorded (an expert demonstration?); nothing to compare`);
  const byStamp = new Map<number, Observation>(episode.observations.map((o) => [o.stampNs, o]));
  const state = policy.newEpisode(episode.info.seed);
  const perStep: StepDifference[] = [];
  let identical = true;
  for (const recorded of episode.steps) {
    const obs = byStamp.get(recorded.chunk.stampNs);
    if (!obs) throw new RangeError(`${episode.file}: step ${recorded.step} was computed from the observation at ${recorded.chunk.stampNs} ns, which is not in the file`);
    const result = await policy.step(state, obs);
    const a = result.chunk.values;
    const b = recorded.chunk.values;
    if (a.length !== b.length) throw new RangeError(`${episode.file}: step ${recorded.step}: the policy's chunk has ${a.length} values, the recorded one ${b.length} (a different action spec)`);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i]! - b[i]!);
      if (d !== 0 || Number.isNaN(d)) identical = false;
      max = Math.max(max, Number.isNaN(d) ? Infinity : d);
      sum += d;
    }
    perStep.push({ step: recorded.step, maxAbs: max, meanAbs: sum / a.length });
  }
  const maxAbs = Math.max(...perStep.map((s) => s.maxAbs));
  return {
    file: episode.file,
    steps: perStep.length,
    maxAbs,
    meanAbs: perStep.reduce((n, s) => n + s.meanAbs, 0) / perStep.length,
    firstDivergence: perStep.find((s) => s.maxAbs > tolerance)?.step,
    identical,
    perStep,
  };
}

export interface ActionReplayReport {
  readonly file: string;
  readonly recorded: { success: boolean | undefined; steps: number };
  readonly replayed: { success: boolean; steps: number };
  /** Observations compared byte for byte, and the index of the first that differs. */
  readonly observationsCompared: number;
  readonly firstObservationMismatch: number | undefined;
  /**
   * The recording is incomplete (cut short, damaged chunks, no outcome): only its observations
   * are compared, and it matches when every one compared does.
   */
  readonly partial: boolean;
  readonly matches: boolean;
}

/**
 * Sends the recorded actions to `env`, reset with the recorded task and seed. A live recording
 * (actions carry the control tick they were for) is replayed by that mapping: simulator step k
 * applies the action for tick k - 1, and a tick without one holds the previous action, as the
 * real-time simulator did; `steps` counts simulator steps for both. A lock-step recording is
 * replayed one action per step, in order.
 */
export async function replayActions(env: EpisodeEnv, episode: RecordedEpisode): Promise<ActionReplayReport> {
  const { task, seed } = episode.info;
  if (!task) throw new RangeError(`${episode.file}: no task in the episode metadata; cannot reset a simulator`);
  const recordedObs = new Map(episode.observations.map((o) => [o.index, o]));
  let compared = 0;
  let mismatch: number | undefined;
  const check = (obs: Observation): void => {
    const rec = recordedObs.get(obs.index);
    if (!rec) return;
    compared++;
    if (mismatch === undefined && !sameObservation(obs, rec)) mismatch = obs.index;
  };
  let tr = await env.reset(task, seed);
  check(tr.observation);
  let steps = 0;
  for (const values of appliedActions(episode)) {
    if (tr.done) break;
    tr = await env.step(values);
    steps++;
    check(tr.observation);
  }
  const recorded = { success: episode.outcome?.success, steps: episode.outcome?.steps ?? episode.actions.length };
  const replayed = { success: tr.success, steps };
  // A file cut short lacks its last actions (and maybe its outcome): what it holds is compared.
  const partial = episode.truncated || episode.damagedChunks > 0 || episode.outcome === undefined;
  const outcomeMatches = partial || (recorded.success === replayed.success && recorded.steps === replayed.steps);
  return {
    file: episode.file,
    recorded,
    replayed,
    observationsCompared: compared,
    firstObservationMismatch: mismatch,
    partial,
    matches: mismatch === undefined && compared > 0 && outcomeMatches,
  };
}

/** The action each simulator step applied, in step order. */
function* appliedActions(episode: RecordedEpisode): Generator<Float32Array> {
  const live = episode.actions.length > 0 && episode.actions.every((a) => a.tick !== undefined);
  if (!live) {
    for (const action of episode.actions) yield action.values;
    return;
  }
  const byTick = new Map<number, Float32Array>();
  for (const action of episode.actions) byTick.set(action.tick!, action.values);
  const lastTick = Math.max(...byTick.keys());
  // The real-time simulator starts from a zero command and holds the last one it received.
  let held: Float32Array = new Float32Array(episode.actions[0]!.values.length);
  for (let tick = 0; tick <= lastTick; tick++) {
    held = byTick.get(tick) ?? held;
    yield held;
  }
}

function sameObservation(a: Observation, b: Observation): boolean {
  if (a.cameras.length !== b.cameras.length || a.proprio.length !== b.proprio.length) return false;
  for (let i = 0; i < a.proprio.length; i++) if (a.proprio[i] !== b.proprio[i]) return false;
  return a.cameras.every((cam, i) => {
    const other = b.cameras[i]!;
    return cam.name === other.name && Buffer.compare(Buffer.from(cam.data), Buffer.from(other.data)) === 0;
  });
}
