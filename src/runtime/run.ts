// Wires a source to a policy and to sinks: observation$ → policy steps → actions. The one place
// that knows both sources and policies; the CLI's `run`, the demo and live evaluation call it.
import { Subject, concatMap, connectable, lastValueFrom, tap, type SchedulerLike } from 'rxjs';
import type { ActionSink, EpisodeSink, ObservationSource, TaskSetting } from '../core/interfaces.js';
import type { Action, Observation, StepResult } from '../core/types.js';
import { ActionScheduler } from '../policy/action-scheduler.js';
import { policySteps } from '../policy/pipeline.js';
import type { PolicyBackend } from '../policy/backend.js';
import { StepStats } from './stats.js';
import { strideByStamp } from '../streams/stride.js';
import { stepLatest, type DropCounter } from '../streams/step-latest.js';
import { newTickCounters, tickLockedActions, type TickAction, type TickCounters } from '../streams/tick-locked-actions.js';

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
  /** Live runs: where a late chunk starts — 'delay-aware' (default) or 'naive' (index 0, for comparison). */
  readonly switching?: 'delay-aware' | 'naive';
  /** Live runs: where the episode's first chunk starts — 'from-rest' (default: index 0, the robot held still until it came) or 'delay-aware' (index d, for comparison). */
  readonly firstChunk?: 'from-rest' | 'delay-aware';
  /** Live runs, for evaluation: extra latency in ms added to each policy step (called once per step). */
  readonly injectLatencyMs?: () => number;
  /** Live runs: number ticks by the frames' stamps (default) or by the source's frame index (the simulator's step). */
  readonly ticksFrom?: 'stamp' | 'index';
  /**
   * Live runs with a flow head: real-time chunking — each step gets the actions committed for its
   * chunk's first ticks (as many as the last chunk's delay) and the sampler inpaints them. Default false.
   */
  readonly realTimeChunking?: boolean;
  /** Live runs: timers of the fallback clock (tests). Default: the process clock. */
  readonly clock?: SchedulerLike;
  /**
   * Live sources: adds what the source knows about a step (the stamps of the inputs used, events
   * since the previous step) before the step is recorded and reported.
   */
  readonly annotateStep?: (result: StepResult) => StepResult;
  readonly onStep?: (result: StepResult) => void;
  readonly onAction?: (action: Action) => void;
  readonly task?: string;
  /** The task's setting (parameters, split) for the recording, when the source reports one. */
  readonly setting?: TaskSetting;
  /**
   * The episode's outcome for the recording, asked when the source completes; `steps` in the
   * source's unit (simulator steps), default the number of policy steps. Default: not a success.
   */
  readonly outcome?: () => { success: boolean; reward: number; steps?: number };
}

export interface RunSummary {
  readonly stats: StepStats;
  readonly droppedFrames: number;
  readonly actions: number;
  readonly holds: number;
  /** Live runs: the control clock's counts (ticks, fallback ticks, skipped ticks, stale frames). */
  readonly ticks: TickCounters;
  /** Live runs: actions replaced before the sink took them (the sink was slower than the control rate). */
  readonly replacedSends: number;
  /** Live runs: ticks of each chunk already past when it arrived, in step order. */
  readonly chunkDelays: readonly number[];
  /** Live runs: chunks that arrived with nothing left to play. */
  readonly expiredChunks: number;
  /** Chunks refused for a NaN or infinite value (played as holds). */
  readonly rejectedChunks: number;
}

/**
 * Runs until the source completes. Live sources: the policy steps on one frame every `execute`
 * control periods (newest frame while a step runs); each frame is a tick of the control clock
 * and emits the action due then (tickLockedActions); actions go to the sink one at a time, a
 * newer one replacing any that waits. Replay sources: every frame is stepped in order and the
 * first `execute` actions of each chunk are emitted with their due stamps (open loop, no clock).
 */
export async function runSource(options: RunOptions): Promise<RunSummary> {
  const { policy, source, sink, recorder } = options;
  const m = policy.manifest;
  const episode = policy.newEpisode(options.seed ?? 0);
  const stats = new StepStats();
  const counter: DropCounter = { dropped: 0 };
  const sends: DropCounter = { dropped: 0 };
  const ticks = newTickCounters();
  const chunkDelays: number[] = [];
  let actions = 0;
  // The next chunk normally replaces this one after `execute` actions; if it is late, the rest of
  // this chunk plays on, and only past its end (the deadline) does the scheduler hold.
  const scheduler = new ActionScheduler({
    low: m.action.low,
    high: m.action.high,
    ensemble: options.ensemble ?? 0,
    switching: options.switching ?? 'delay-aware',
    ...(options.firstChunk ? { firstChunk: options.firstChunk } : {}),
  });
  recorder?.start({ bundle: m.name, bundleHash: policy.hash, task: options.task ?? '', seed: options.seed ?? 0, device: policy.provider, source: source.kind, noMemory: policy.noMemory, ...(options.setting ? { setting: options.setting } : {}) });
  const recorded$ = recorder ? source.observation$.pipe(tap((o) => recorder.observation(o))) : source.observation$;
  const emit = async (action: Action): Promise<void> => {
    actions++;
    recorder?.action(action);
    options.onAction?.(action);
    await sink?.send(action);
  };
  const stepped = (computed: StepResult): void => {
    const r = options.annotateStep ? options.annotateStep(computed) : computed;
    stats.add(r);
    recorder?.step(r);
    options.onStep?.(r);
  };
  // Replay: the first `execute` actions of each chunk, with their due stamps (open loop).
  const playChunk = async (r: StepResult): Promise<void> => {
    scheduler.push(r.chunk);
    for (let i = 0; i < m.action.execute; i++) await emit(scheduler.next(r.chunk.stampNs + Math.round(i * r.chunk.periodS * 1e9)));
  };
  if (source.kind === 'live') {
    const periodNs = 1e9 / m.action.rate_hz;
    const inject = options.injectLatencyMs;
    // Real-time chunking: the frame's tick (the clock saw it first) and the last chunk's delay say
    // which planned actions will have played by the time this step's chunk arrives.
    const frameTicks = new Map<number, number>();
    const rtc = options.realTimeChunking === true && m.head.kind === 'flow';
    const step = async (obs: Observation): Promise<StepResult> => {
      const tick = frameTicks.get(obs.stampNs);
      const expectedDelay = Math.min(m.action.chunk - 1, Math.max(1, chunkDelays.at(-1) ?? 1));
      const prefix = rtc && tick !== undefined ? scheduler.planned(tick * periodNs, expectedDelay) : undefined;
      const result = await policy.step(episode, obs, prefix && prefix.length > 0 ? { prefix } : undefined);
      const extraMs = inject?.() ?? 0;
      if (extraMs > 0) await new Promise((resolve) => setTimeout(resolve, extraMs));
      return result;
    };
    // One subscription to the source feeds both the clock (every frame) and the policy (one
    // frame every `execute` periods, the stride its memory was trained with). The clock
    // subscribes first, so a frame emits its tick's action before it starts a step.
    const frames = connectable(recorded$, { connector: () => new Subject<Observation>(), resetOnDisconnect: false });
    const steps$ = policySteps(policy, episode, { kind: 'live', observation$: frames.pipe(strideByStamp(m.action.execute * periodNs, periodNs / 2)) }, counter, step);
    const actions$ = frames.pipe(
      tickLockedActions(scheduler, steps$, {
        periodNs,
        counters: ticks,
        ...(options.ticksFrom ? { ticksFrom: options.ticksFrom } : {}),
        onFrameTick: (stampNs, tick) => {
          frameTicks.set(stampNs, tick);
          if (frameTicks.size > 64) frameTicks.delete(frameTicks.keys().next().value!);
        },
        ...(options.clock ? { scheduler: options.clock } : {}),
        onChunk: (r, placement) => {
          chunkDelays.push(placement.delayTicks);
          stepped({ ...r, placement });
        },
      }),
    );
    const done = lastValueFrom(actions$.pipe(stepLatest((a: TickAction) => emit(a), sends)), { defaultValue: undefined });
    const connection = frames.connect();
    try {
      await done;
    } finally {
      connection.unsubscribe();
    }
  } else if (source.frames) {
    // Pulled one frame at a time: nothing is generated or decoded before the policy wants it.
    for await (const obs of source.frames()) {
      recorder?.observation(obs);
      const r = await policy.step(episode, obs);
      stepped(r);
      await playChunk(r);
    }
  } else {
    await lastValueFrom(policySteps(policy, episode, { kind: source.kind, observation$: recorded$ }, counter).pipe(tap(stepped), concatMap(playChunk)), { defaultValue: undefined });
  }
  await policy.endEpisode?.(episode);
  const outcome = options.outcome?.() ?? { success: false, reward: 0 };
  await recorder?.end({ success: outcome.success, reward: outcome.reward, steps: outcome.steps ?? stats.steps, droppedFrames: counter.dropped });
  return {
    stats,
    droppedFrames: counter.dropped,
    actions,
    holds: scheduler.holds.late + scheduler.holds.nonFinite + scheduler.holds.start,
    ticks,
    replacedSends: sends.dropped,
    chunkDelays,
    expiredChunks: scheduler.expiredChunks,
    rejectedChunks: scheduler.rejectedChunks,
  };
}
