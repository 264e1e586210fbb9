// Wires a source to a policy and to sinks: observation$ → policy steps → actions. The one place
// that knows both sources and policies; the CLI's `run` and the demo call it.
import { concatMap, lastValueFrom, tap } from 'rxjs';
import type { ActionSink, EpisodeSink, ObservationSource } from '../core/interfaces.js';
import type { Action, StepResult } from '../core/types.js';
import { ActionScheduler } from '../policy/action-scheduler.js';
import { policySteps, scheduleActions } from '../policy/pipeline.js';
import type { PolicyBackend } from '../policy/backend.js';
import { StepStats } from './stats.js';
import { strideByStamp } from '../streams/stride.js';

export interface RunOptions {
  /** The in-process Policy or a remote one (PolicyClient). */
  readonly policy: PolicyBackend;
  readonly source: ObservationSource;
  /** Where executed actions go. Default: nowhere (the chunks are still computed and counted). */
  readonly sink?: ActionSink;
  readonly recorder?: EpisodeSink;
  /** Episode seed (sampler noise). Default 0. */
  readonly seed?: number;
  /** Temporal ensembling weight for live runs (0 = newest chunk only). Default 0. */
  readonly ensemble?: number;
  readonly onStep?: (result: StepResult) => void;
  readonly onAction?: (action: Action) => void;
  readonly task?: string;
  /** The episode's outcome for the recording, asked when the source completes. Default: not a success. */
  readonly outcome?: () => { success: boolean; reward: number };
}

export interface RunSummary {
  readonly stats: StepStats;
  readonly droppedFrames: number;
  readonly actions: number;
  readonly holds: number;
}

/**
 * Runs until the source completes. Live sources: the policy steps on one frame every `execute`
 * control periods (newest frame while a step runs), actions leave at the control rate.
 * Replay sources: every frame is stepped in order and the first `execute` actions of each chunk
 * are emitted with their due stamps (open loop, no clock).
 */
export async function runSource(options: RunOptions): Promise<RunSummary> {
  const { policy, source, sink, recorder } = options;
  const m = policy.manifest;
  const episode = policy.newEpisode(options.seed ?? 0);
  const stats = new StepStats();
  const counter = { dropped: 0 };
  let actions = 0;
  // The next chunk normally replaces this one after `execute` actions; if it is late, the rest of
  // this chunk plays on, and only past its end (the deadline) does the scheduler hold.
  const scheduler = new ActionScheduler({ low: m.action.low, high: m.action.high, ensemble: options.ensemble ?? 0 });
  recorder?.start({ bundle: m.name, bundleHash: policy.hash, task: options.task ?? '', seed: options.seed ?? 0, device: policy.provider, source: source.kind, noMemory: policy.noMemory });
  const recordedSource: ObservationSource = recorder ? { kind: source.kind, observation$: source.observation$.pipe(tap((o) => recorder.observation(o))) } : source;
  const emit = async (action: Action): Promise<void> => {
    actions++;
    recorder?.action(action);
    options.onAction?.(action);
    await sink?.send(action);
  };
  // Live: one call per `execute` control periods, the stride the policy's memory was trained with.
  const periodNs = 1e9 / m.action.rate_hz;
  const stepped: ObservationSource =
    source.kind === 'live' ? { kind: 'live', observation$: recordedSource.observation$.pipe(strideByStamp(m.action.execute * periodNs, periodNs / 2)) } : recordedSource;
  const steps$ = policySteps(policy, episode, stepped, counter).pipe(
    tap((r) => {
      stats.add(r);
      recorder?.step(r);
      options.onStep?.(r);
    }),
  );
  // Replay: the first `execute` actions of each chunk, with their due stamps (open loop).
  const playChunk = async (r: StepResult): Promise<void> => {
    scheduler.push(r.chunk);
    for (let i = 0; i < m.action.execute; i++) await emit(scheduler.next(r.chunk.stampNs + Math.round(i * r.chunk.periodS * 1e9)));
  };
  if (source.kind === 'live') {
    await lastValueFrom(steps$.pipe(scheduleActions(scheduler, m.action.rate_hz), concatMap(emit)), { defaultValue: undefined });
  } else if (source.frames) {
    // Pulled one frame at a time: nothing is generated or decoded before the policy wants it.
    for await (const obs of source.frames()) {
      recorder?.observation(obs);
      const r = await policy.step(episode, obs);
      stats.add(r);
      recorder?.step(r);
      options.onStep?.(r);
      await playChunk(r);
    }
  } else {
    await lastValueFrom(steps$.pipe(concatMap(playChunk)), { defaultValue: undefined });
  }
  await policy.endEpisode?.(episode);
  const outcome = options.outcome?.() ?? { success: false, reward: 0 };
  await recorder?.end({ ...outcome, steps: stats.steps, droppedFrames: counter.dropped });
  return { stats, droppedFrames: counter.dropped, actions, holds: scheduler.holds.late + scheduler.holds.nonFinite + scheduler.holds.start };
}
