// A live episode in the real-time simulator: the simulator advances at its control rate whatever
// the policy does (holding the last action), the policy steps on the newest frame every `execute`
// periods, and actions leave at the control rate — the setting of a real robot, over a socket.
import { concat, map, of, takeWhile } from 'rxjs';
import type { ActionSink, EpisodeSink } from '../core/interfaces.js';
import type { Action, StepResult } from '../core/types.js';
import type { PolicyBackend } from '../policy/backend.js';
import { SimSession } from '../transports/sim/index.js';
import { runSource, type RunSummary } from './run.js';

export interface LiveSimOptions {
  readonly policy: PolicyBackend;
  readonly simUrl: string;
  readonly task: string;
  readonly seed: number;
  readonly recorder?: EpisodeSink;
  readonly onStep?: (result: StepResult) => void;
  readonly onAction?: (action: Action) => void;
}

export interface LiveSimResult {
  readonly success: boolean;
  /** Simulator steps until the episode ended. */
  readonly steps: number;
  readonly summary: RunSummary;
}

export async function runLiveSim(options: LiveSimOptions): Promise<LiveSimResult> {
  const { policy, task, seed } = options;
  await using session = await SimSession.connect(options.simUrl);
  const first = await session.reset({ task, seed, mode: 'realtime', imageSize: policy.manifest.observation.cameras[0]?.height ?? 0 });
  let done = first.done;
  const transitions$ = concat(of(first), session.transition$).pipe(takeWhile((t) => !t.done, true));
  // Actions still ticking out after the episode ended have nowhere to go: drop them quietly.
  const sink: ActionSink = { send: (action) => (done ? Promise.resolve() : session.send(action)) };
  const summary = await runSource({
    policy,
    source: { kind: 'live', observation$: transitions$.pipe(map((t) => ((done = t.done), t.observation))) },
    sink,
    seed,
    task,
    outcome: () => ({ success: session.lastTransition?.success ?? false, reward: session.lastTransition?.reward ?? 0 }),
    ...(options.recorder ? { recorder: options.recorder } : {}),
    ...(options.onStep ? { onStep: options.onStep } : {}),
    ...(options.onAction ? { onAction: options.onAction } : {}),
  });
  const last = session.lastTransition ?? first;
  return { success: last.success, steps: last.step, summary };
}
