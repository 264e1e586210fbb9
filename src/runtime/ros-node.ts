// A momento policy node on a ROS graph: the configured topics (through rosbridge) feed
// runSource, its actions go to the configured output, and a small control surface sits beside it:
// a std_srvs/Trigger service that starts a new episode, a DiagnosticArray status at 1 Hz, one hold
// when inputs go stale (stepping pauses until fresh inputs arrive), no stale action after a
// reconnect, and a clean stop (hold once, end the recording, unadvertise) when `signal` aborts.
import { NEVER, Subject, fromEvent, merge, take, takeUntil, type Observable } from 'rxjs';
import type { ActionSink } from '../core/interfaces.js';
import type { Action, StepResult } from '../core/types.js';
import { monotonicNowNs, type NowNs } from '../core/clock.js';
import type { Policy } from '../policy/policy.js';
import { McapRecorder } from '../record/index.js';
import { RosActionPublisher, RosConnection, RosObservationSource, checkConfigAgainstManifest, checkRosTopics, diagnosticArray, type InputStamps, type RosConfig, type RosConnectionEvent } from '../transports/ros/index.js';
import { runSource, type RunSummary } from './run.js';
import { summarize } from './stats.js';

export type RosNodeState = 'waiting' | 'running' | 'holding' | 'disconnected' | 'stopping';

export type RosNodeEvent =
  | { readonly kind: 'state'; readonly state: RosNodeState; readonly reason: string }
  | { readonly kind: 'episode'; readonly episode: number }
  | { readonly kind: 'reconnect'; readonly reconnects: number }
  /** A policy step: the stamps of the inputs it used, and the reconnections so far (a gap in the episode shows as a change). */
  | { readonly kind: 'step'; readonly result: StepResult; readonly inputs: InputStamps | undefined; readonly reconnects: number }
  | { readonly kind: 'frame-error'; readonly error: Error }
  /** The start-up check through rosapi: what is missing or of another type (empty: all there). */
  | { readonly kind: 'check'; readonly problems: readonly string[] };

export interface RosNodeOptions {
  readonly policy: Policy;
  readonly config: RosConfig;
  /** The config's file name, for errors. */
  readonly configFile: string;
  /** rosbridge URL (ws://…); default the config's `url`. */
  readonly url?: string;
  /** Record each episode as an MCAP file into this folder. */
  readonly recordDir?: string;
  readonly seed?: number;
  readonly ensemble?: number;
  /** Aborting stops the node cleanly (SIGINT/SIGTERM in the CLI). */
  readonly signal?: AbortSignal;
  /** Give up when the first connection is not up within this. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Reconnect backoff (see RosConnectionOptions). */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  readonly now?: NowNs;
  readonly onEvent?: (event: RosNodeEvent) => void;
  readonly onAction?: (action: Action) => void;
}

export interface RosNodeSummary {
  readonly episodes: number;
  readonly steps: number;
  readonly published: number;
  readonly holds: number;
  readonly reconnects: number;
  readonly droppedFrames: number;
  readonly droppedPublishes: number;
  readonly files: readonly string[];
  readonly last?: RunSummary;
}

export async function runRosNode(options: RosNodeOptions): Promise<RosNodeSummary> {
  const { policy, config } = options;
  const m = policy.manifest;
  checkConfigAgainstManifest(config, m, options.configFile);
  const url = options.url ?? config.url;
  if (!url) throw new TypeError(`${options.configFile}: no rosbridge url (give --source ros://host:port or url: in the config)`);
  const now = options.now ?? monotonicNowNs;
  const emitEvent = options.onEvent ?? (() => undefined);
  let state = 'waiting' as RosNodeState;
  const setState = (next: RosNodeState, reason: string): void => {
    if (next === state) return;
    state = next;
    emitEvent({ kind: 'state', state, reason });
  };
  // The stamp of the newest observation stepped before a hold or a drop: only a chunk computed
  // from a later observation may move the robot again.
  let resumeAfterNs = -Infinity;
  let lastObsNs = -Infinity;
  // The source is made after the connection (a drop before it has no frames to lose).
  const made: { source?: RosObservationSource } = {};
  const onConnectionEvent = (e: RosConnectionEvent): void => {
    if (e.kind === 'disconnected') {
      resumeAfterNs = lastObsNs;
      made.source?.assembler.markGap();
      setState('disconnected', 'rosbridge connection lost');
    } else if (e.kind === 'connected' && e.connection > 1) {
      if (state === 'disconnected') setState('waiting', 'reconnected; waiting for fresh inputs');
      emitEvent({ kind: 'reconnect', reconnects: e.connection - 1 });
    } else if (e.kind === 'error') {
      // A frame the server sent that momento refused (not JSON, an op it does not handle, …): reported, skipped.
      emitEvent({ kind: 'frame-error', error: e.error });
    }
  };
  await using connection = RosConnection.create({
    url,
    onEvent: onConnectionEvent,
    ...(options.backoffInitialMs !== undefined ? { backoffInitialMs: options.backoffInitialMs } : {}),
    ...(options.backoffMaxMs !== undefined ? { backoffMaxMs: options.backoffMaxMs } : {}),
  });
  await connection.whenConnected(options.connectTimeoutMs ?? 10_000);
  // The servers report no errors: a topic of another type would just stay silent, so look first.
  void checkRosTopics(connection, config).then(
    (checks) => emitEvent({ kind: 'check', problems: checks.filter((c) => !c.ok).map((c) => `${c.role} ${c.topic}: ${c.actual ? `is ${c.actual}, expected ${c.expected}` : 'not on the graph (yet)'}`) }),
    (err: unknown) => emitEvent({ kind: 'check', problems: [`rosapi check failed: ${err instanceof Error ? err.message : String(err)}`] }),
  );
  const source = new RosObservationSource({ connection, config, manifest: m, now, onFrameError: (error) => emitEvent({ kind: 'frame-error', error }) });
  made.source = source;
  const output = new RosActionPublisher({ connection, output: config.output, manifest: m, distro: config.distro, jointState: () => source.latestJointState, now });
  const status = connection.advertise(config.control.status_topic, 'diagnostic_msgs/DiagnosticArray');
  const endEpisode$ = new Subject<void>();
  let episode = 0;
  connection.advertiseService(config.control.reset_service, 'std_srvs/Trigger', () => {
    endEpisode$.next();
    return Promise.resolve({ success: true, message: `momento: episode ${episode + 1} starts` });
  });

  // Step statistics for the status topic (the last 200 steps).
  const latencies: number[] = [];
  const stepTimes: number[] = [];
  let totalSteps = 0;
  let droppedFrames = 0;
  let memoryEntries = 0;
  let lastWasHold = false;
  const hold = (reason: string): void => {
    if (lastWasHold) return;
    output.hold();
    lastWasHold = true;
    setState(state === 'stopping' ? 'stopping' : 'holding', reason);
  };
  const publishAction = (values: Float32Array): void => {
    output.action(values);
    lastWasHold = false;
  };

  const sink: ActionSink = {
    send: (action) => {
      if (state !== 'running' || output.perChunk) return Promise.resolve();
      if (!action.hold) publishAction(action.values);
      // A late or non-finite chunk holds once; 'start' holds (nothing commanded yet) send nothing.
      else if (action.reason !== 'start') hold(`scheduler: ${action.reason}`);
      return Promise.resolve();
    },
  };
  // Each step carries the stamps of the inputs it used and the reconnections (and frames lost in
  // their gaps) since the previous step, so the recording shows where the episode has a hole.
  let reportedReconnects = 0;
  let reportedGapFrames = 0;
  const annotateStep = (r: StepResult): StepResult => {
    const inputs = source.assembler.inputStamps.get(r.chunk.stampNs);
    const sourceEvents = { reconnects: connection.reconnects - reportedReconnects, gapFrames: source.assembler.gapFrames - reportedGapFrames };
    reportedReconnects = connection.reconnects;
    reportedGapFrames = source.assembler.gapFrames;
    return { ...r, sourceEvents, ...(inputs ? { inputStampsNs: inputs } : {}) };
  };
  const onStep = (r: StepResult): void => {
    totalSteps++;
    memoryEntries = r.memory.entries;
    latencies.push(r.timings.totalMs);
    stepTimes.push(now());
    if (latencies.length > 200) latencies.shift();
    if (stepTimes.length > 200) stepTimes.shift();
    lastObsNs = Math.max(lastObsNs, r.chunk.stampNs);
    emitEvent({ kind: 'step', result: r, inputs: source.assembler.inputStamps.get(r.chunk.stampNs), reconnects: connection.reconnects });
    if ((state === 'waiting' || state === 'holding') && r.chunk.stampNs > resumeAfterNs) setState('running', 'fresh inputs');
    if (state === 'running' && output.perChunk) {
      output.chunk(r.chunk, m.action.execute);
      lastWasHold = false;
    }
  };

  // Staleness watchdog: one hold, then stepping pauses (the assembler emits nothing stale).
  const watchdog = setInterval(() => {
    if (state !== 'running') return;
    const stale = source.assembler.staleInputs();
    if (stale.length === 0) return;
    resumeAfterNs = lastObsNs;
    hold(`stale inputs: ${stale.join(', ')}`);
  }, Math.max(10, (config.sync.staleness_s * 1000) / 5));
  const statusTimer = setInterval(() => {
    const t = summarize(latencies);
    const windowS = stepTimes.length > 1 ? (stepTimes.at(-1)! - stepTimes[0]!) / 1e9 : 0;
    const level = state === 'running' ? 0 : state === 'disconnected' ? 2 : 1;
    status.publish(
      diagnosticArray(now(), config.distro, 'momento', level, state, {
        state,
        bundle: m.name,
        episode: String(episode),
        steps: String(totalSteps),
        policy_rate_hz: (windowS > 0 ? (stepTimes.length - 1) / windowS : 0).toFixed(2),
        step_latency_p50_ms: t.p50.toFixed(3),
        step_latency_p99_ms: t.p99.toFixed(3),
        dropped_frames: String(droppedFrames),
        memory_entries: String(memoryEntries),
        reconnects: String(connection.reconnects),
        holds: String(output.holds),
      }),
    );
  }, config.control.status_period_s * 1000);

  const stop$: Observable<unknown> = options.signal ? fromEvent(options.signal, 'abort').pipe(take(1)) : NEVER;
  const stopped = { value: options.signal?.aborted ?? false };
  const stopSub = stop$.subscribe(() => {
    stopped.value = true;
    // Hold once before the episode winds down; nothing after it is published.
    if (connection.isConnected && state !== 'waiting') {
      lastWasHold = false;
      hold('stopping');
    }
    setState('stopping', 'stop requested');
  });

  await using recorder = options.recordDir
    ? await McapRecorder.create({ dir: options.recordDir, fileName: (info, at) => `ros-${info.task || 'task'}-${info.seed}-${at.toISOString().replace(/[:.]/g, '-')}-ep${episode}.mcap` })
    : undefined;
  const files: string[] = [];
  let last: RunSummary | undefined;
  try {
    while (!stopped.value) {
      emitEvent({ kind: 'episode', episode });
      source.assembler.reset();
      lastWasHold = false;
      if (state !== 'disconnected' && state !== 'stopping') setState('waiting', `episode ${episode}`);
      resumeAfterNs = lastObsNs;
      last = await runSource({
        policy,
        source: { kind: 'live', observation$: source.observation$.pipe(takeUntil(merge(endEpisode$, stop$))) },
        sink,
        seed: options.seed ?? 0,
        ensemble: options.ensemble ?? 0,
        task: source.assembler.taskId,
        annotateStep,
        onStep,
        ...(options.onAction ? { onAction: options.onAction } : {}),
        ...(recorder ? { recorder } : {}),
      });
      droppedFrames += last.droppedFrames;
      if (recorder?.file) files.push(recorder.file);
      episode++;
    }
  } finally {
    clearInterval(watchdog);
    clearInterval(statusTimer);
    stopSub.unsubscribe();
    source.close();
  }
  return {
    episodes: episode,
    steps: totalSteps,
    published: output.published,
    holds: output.holds,
    reconnects: connection.reconnects,
    droppedFrames,
    droppedPublishes: connection.droppedPublishes,
    files,
    ...(last ? { last } : {}),
  };
}
