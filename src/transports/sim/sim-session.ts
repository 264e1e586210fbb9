// SimSession: one episode stream with the WebSocket simulator, typed. It is the pipeline's
// ObservationSource (every transition's observation) and ActionSink (each action is a step).
// After a dropped socket it reconnects and re-resets its last task and seed; in lock-step mode
// it then replays the acknowledged actions, so the simulator is back in the exact same state.
import { Observable, Subject } from 'rxjs';
import type { ActionSink, ObservationSource } from '../../core/interfaces.js';
import type { Action, Observation } from '../../core/types.js';
import { SimConnection } from './sim-connection.js';
import type { SimMode, SimReply, SimRequestBody, SimTaskInfo, SimTransition } from './sim-codec.js';

export interface SimSessionOptions {
  /** Reconnect attempts after the socket drops before the session fails; default 5. */
  readonly maxReconnects?: number;
  /** Delay before the first reconnect attempt in ms, doubled for each next one; default 100. */
  readonly reconnectDelayMs?: number;
  /** Ceiling of the reconnect delay in ms; default 2000. */
  readonly maxReconnectDelayMs?: number;
  /** How long a request waits for its answer in ms; default 10 000. */
  readonly requestTimeoutMs?: number;
}

export interface SimResetOptions {
  readonly task: string;
  /** Non-negative integer; the same seed and actions give byte-identical observations (lock-step). */
  readonly seed: number;
  /** 'lockstep' (default): one step per request. 'realtime': the simulator runs at its control rate. */
  readonly mode?: SimMode;
  /** Image side in pixels; 0 or absent: the server's default. */
  readonly imageSize?: number;
  /** Task parameters to set by name; the others are the seed's defaults (see the task list's params). */
  readonly params?: Readonly<Record<string, number>>;
}

/** The simulator refused a request; `code` is the server's (e.g. 'bad-action', 'episode-done'). */
export class SimServerError extends Error {
  override readonly name = 'SimServerError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${message} [code=${code}]`);
  }
}

interface ResetRequest {
  readonly task: string;
  readonly seed: number;
  readonly mode: SimMode;
  readonly imageSize: number;
  readonly params: Readonly<Record<string, number>>;
}

export class SimSession implements ObservationSource, ActionSink, AsyncDisposable {
  private readonly transitions = new Subject<SimTransition>();
  private readonly errors = new Subject<Error>();
  private connection!: SimConnection;
  private lastReset: ResetRequest | undefined;
  /** Actions the simulator acknowledged since the last reset (lock-step), replayed after a reconnect. */
  private acknowledged: number[][] = [];
  private latest: SimTransition | undefined;

  /** Every transition: reset and step answers (lock-step) or the simulator's pushes (real-time). */
  readonly transition$: Observable<SimTransition> = this.transitions.asObservable();
  readonly observation$: Observable<Observation>;
  /** Bad frames and unsolicited server errors; the session keeps serving. */
  readonly error$: Observable<Error> = this.errors.asObservable();

  private constructor() {
    this.observation$ = new Observable<Observation>((subscriber) =>
      this.transitions.subscribe({
        next: (t) => subscriber.next(t.observation),
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );
  }

  /** Opens a session (one WebSocket) to the simulator at `url`, e.g. 'ws://127.0.0.1:8765'. */
  static async connect(url: string, options: SimSessionOptions = {}): Promise<SimSession> {
    const session = new SimSession();
    session.connection = await SimConnection.open(
      url,
      {
        maxReconnects: options.maxReconnects ?? 5,
        reconnectDelayMs: options.reconnectDelayMs ?? 100,
        maxReconnectDelayMs: options.maxReconnectDelayMs ?? 2000,
        requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      },
      {
        onPush: (reply) => session.onPush(reply),
        onFrameError: (error) => session.errors.next(error),
        restore: () => session.restore(),
        onLost: (error) => session.transitions.error(error),
      },
    );
    return session;
  }

  /** 'live' in real-time mode (drop frames while busy), 'replay' in lock-step mode (process every frame). */
  get kind(): 'live' | 'replay' {
    return this.lastReset?.mode === 'realtime' ? 'live' : 'replay';
  }

  /** Successful reconnections of this session. */
  get reconnects(): number {
    return this.connection.reconnects;
  }

  /** The most recent transition received. */
  get lastTransition(): SimTransition | undefined {
    return this.latest;
  }

  async reset(options: SimResetOptions): Promise<SimTransition> {
    const { task, seed, mode = 'lockstep', imageSize = 0, params = {} } = options;
    if (typeof task !== 'string' || task === '') throw new TypeError(`reset.task must be a task id, got '${String(task)}'`);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`reset.seed must be a non-negative integer, got ${seed}`);
    if (!Number.isInteger(imageSize) || imageSize < 0) throw new RangeError(`reset.imageSize must be a non-negative integer, got ${imageSize}`);
    for (const [name, value] of Object.entries(params)) {
      if (!Number.isInteger(value) || (value | 0) !== value) throw new RangeError(`reset.params.${name} must be a 32-bit integer, got ${value}`);
    }
    const request: ResetRequest = { task, seed, mode, imageSize, params: { ...params } };
    const transition = await this.exchange({ kind: 'reset', ...request });
    this.lastReset = request;
    this.acknowledged = [];
    this.publish(transition);
    return transition;
  }

  /**
   * One control step with [vx, vy, grip]. Lock-step: the simulator advances and answers the new
   * transition. Real-time: the action is held from the next tick; the answer is the latest transition.
   */
  async step(values: Float32Array | readonly number[]): Promise<SimTransition> {
    const action = Array.from(values);
    const transition = await this.exchange({ kind: 'step', action });
    if (this.lastReset?.mode !== 'realtime') {
      this.acknowledged.push(action);
      this.publish(transition);
    }
    return transition;
  }

  /** ActionSink: executes the action as one step. */
  async send(action: Action): Promise<void> {
    await this.step(action.values);
  }

  async tasks(): Promise<SimTaskInfo[]> {
    const reply = await this.connection.request({ kind: 'list-tasks' });
    if (reply.kind === 'tasks') return [...reply.tasks];
    throw replyError(reply, 'list-tasks');
  }

  async close(): Promise<void> {
    await this.connection.close();
    this.transitions.complete();
    this.errors.complete();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async exchange(body: SimRequestBody, restoring = false): Promise<SimTransition> {
    const reply = await this.connection.request(body, restoring);
    if (reply.kind === 'transition') return reply.transition;
    throw replyError(reply, body.kind);
  }

  private publish(transition: SimTransition): void {
    this.latest = transition;
    this.transitions.next(transition);
  }

  private onPush(reply: SimReply): void {
    if (reply.kind === 'transition') {
      if (this.lastReset?.mode === 'realtime') this.publish(reply.transition);
    } else {
      this.errors.next(replyError(reply, 'push'));
    }
  }

  /** After a reconnect: the same reset, then (lock-step) the same actions, silently. */
  private async restore(): Promise<void> {
    const reset = this.lastReset;
    if (!reset) return;
    let transition = await this.exchange({ kind: 'reset', ...reset }, true);
    if (reset.mode === 'realtime') {
      this.acknowledged = [];
      this.publish(transition);
      return;
    }
    for (const action of this.acknowledged) transition = await this.exchange({ kind: 'step', action }, true);
    this.latest = transition;
  }
}

function replyError(reply: SimReply, request: string): Error {
  if (reply.kind === 'error') return new SimServerError(reply.code, `simulator refused ${request}: ${reply.message}`);
  return new TypeError(`simulator answered ${request} with a ${reply.kind} reply`);
}
