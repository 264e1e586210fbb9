// A live episode in the real-time simulator: the simulator advances at its control rate whatever
// the policy does (holding the last action), every frame it pushes is a tick of the control
// clock, the policy steps on one frame every `execute` periods, and each tick's action goes back
// over the socket — the setting of a real robot.
import { concat, map, of, takeWhile } from 'rxjs';
import type { ActionSink, EpisodeSink, TaskSetting } from '../core/interfaces.js';
import type { Action, StepResult } from '../core/types.js';
import type { PolicyBackend } from '../policy/backend.js';
import { SimServerError, SimSession } from '../transports/sim/index.js';
import { runSource, type RunSummary } from './run.js';

export interface LiveSimOptions {
  readonly policy: PolicyBackend;
  readonly simUrl: string;
  readonly task: string;
  readonly seed: number;
  /** Task parameters to set (the others are the seed's defaults). */
  readonly params?: Readonly<Record<string, number>>;
  readonly recorder?: EpisodeSink;
  /** Where late chunks start: 'delay-aware' (default) or 'naive'. */
  readonly switching?: 'delay-aware' | 'naive';
  /** Where the first chunk starts: 'from-rest' (default, index 0) or 'delay-aware' (index d). */
  readonly firstChunk?: 'from-rest' | 'delay-aware';
  /** Temporal ensembling weight (0, the default: newest chunk only). */
  readonly ensemble?: number;
  /** Flow heads: inpaint the committed prefix into each new chunk (real-time chunking). */
  readonly realTimeChunking?: boolean;
  /** Extra latency in ms per policy step (evaluation of latency robustness). */
  readonly injectLatencyMs?: () => number;
  readonly onStep?: (result: StepResult) => void;
  readonly onAction?: (action: Action) => void;
}

export interface LiveSimResult {
  readonly success: boolean;
  /** Simulator steps until the episode ended. */
  readonly steps: number;
  /** Why the simulator ended the episode as failed (its own words); '' on success. */
  readonly failure: string;
  readonly summary: RunSummary;
  /** The episode's parameters, chance and split, as the simulator reported them. */
  readonly setting?: TaskSetting;
}

export async function runLiveSim(options: LiveSimOptions): Promise<LiveSimResult> {
  const { policy, task, seed } = options;
  await using session = await SimSession.connect(options.simUrl);
  const first = await session.reset({ task, seed, mode: 'realtime', imageSize: policy.manifest.observation.cameras[0]?.height ?? 0, params: options.params ?? {} });
  let done = first.done;
  const transitions$ = concat(of(first), session.transition$).pipe(takeWhile((t) => !t.done, true));
  // Actions still in flight after the episode ended have nowhere to go: drop them quietly. The
  // simulator may end the episode on its own tick while an action is on its way: the same.
  const sink: ActionSink = {
    send: async (action) => {
      if (done) return;
      try {
        await session.send(action);
      } catch (error) {
        if (!(error instanceof SimServerError && error.code === 'episode-done')) throw error;
      }
    },
  };
  const summary = await runSource({
    policy,
    source: { kind: 'live', observation$: transitions$.pipe(map((t) => ((done = t.done), t.observation))) },
    sink,
    seed,
    task,
    ...(first.setting ? { setting: first.setting } : {}),
    // The simulator numbers its frames by step: no jitter of its stamps can move a tick.
    ticksFrom: 'index',
    outcome: () => ({ success: session.lastTransition?.success ?? false, reward: session.lastTransition?.reward ?? 0, steps: session.lastTransition?.step ?? 0 }),
    ...(options.switching ? { switching: options.switching } : {}),
    ...(options.firstChunk ? { firstChunk: options.firstChunk } : {}),
    ...(options.ensemble !== undefined ? { ensemble: options.ensemble } : {}),
    ...(options.realTimeChunking ? { realTimeChunking: true } : {}),
    ...(options.injectLatencyMs ? { injectLatencyMs: options.injectLatencyMs } : {}),
    ...(options.recorder ? { recorder: options.recorder } : {}),
    ...(options.onStep ? { onStep: options.onStep } : {}),
    ...(options.onAction ? { onAction: options.onAction } : {}),
  });
  const last = session.lastTransition ?? first;
  return { success: last.success, steps: last.step, failure: last.success ? '' : failureReason(last.privilegedJson, last.done), summary, ...(first.setting ? { setting: first.setting } : {}) };
}

/** The simulator keeps why an episode failed in its privileged state ('failure'). */
function failureReason(privilegedJson: string, done: boolean): string {
  try {
    const state = JSON.parse(privilegedJson) as { failure?: unknown };
    if (typeof state.failure === 'string' && state.failure !== '') return state.failure;
  } catch {
    // A simulator without privileged state: fall through to the generic reason.
  }
  return done ? 'failed (no reason given by the simulator)' : 'the episode did not end';
}

/** One line for a person or a script: outcome, steps, and what the control clock saw. */
export function formatLiveOutcome(task: string, seed: number, r: LiveSimResult): string {
  const s = r.summary;
  const delays = s.chunkDelays;
  const meanDelay = delays.length ? delays.reduce((a, b) => a + b, 0) / delays.length : 0;
  const outcome = r.success ? 'success' : `failure (${r.failure})`;
  return (
    `${task} seed ${seed}: ${outcome} after ${r.steps} simulator steps (real time); ` +
    `${s.ticks.ticks} ticks, ${s.actions} actions sent, ${s.holds} holds, ${s.ticks.skippedTicks} skipped ticks, ` +
    `${s.ticks.fallbackTicks} late frames, ${s.replacedSends} replaced sends, ${s.droppedFrames} dropped frames; ` +
    `chunk delay mean ${meanDelay.toFixed(2)} max ${Math.max(0, ...delays)} ticks, ${s.expiredChunks} expired chunks`
  );
}
