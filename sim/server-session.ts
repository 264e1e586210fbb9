// One simulator session: one WebSocket, one SimEnv. Answers each SimRequest with a SimResponse
// of the same id; in real-time mode it also advances at the control rate on its own, holding the
// last action, and pushes transitions with id 0. Every refusal is a SimError; nothing throws out.
import type { RawData, WebSocket } from 'ws';
import { pb } from '../src/core/wire.js';
import { monotonicNowNs } from '../src/core/clock.js';
import { frameBytes } from '../src/core/ws-frame.js';
import type { momento } from '../src/core/wire.js';
import { parseAction } from './action.js';
import { CONTROL_RATE_HZ } from './arm.js';
import type { ArmCommand } from './arm.js';
import { SimEnv } from './env.js';
import type { EnvTransition } from './env.js';
import { SimRequestError } from './errors.js';
import { listTasks } from './tasks/registry.js';
import { decodeRequest, encodeError, encodeTaskList, encodeTransition, resetParams } from './wire-codec.js';
import type { SimRequestMessage } from './wire-codec.js';

/** Real-time pushes are skipped while this many bytes still wait in the socket (a slow reader). */
const MAX_PUSH_BUFFERED_BYTES = 1 << 20;
/** Default bound on reply bytes a client leaves unread before its session is closed. */
export const DEFAULT_MAX_BUFFERED_BYTES = 8 << 20;
/** WebSocket close code for a session closed because it did not read its replies. */
export const SLOW_READER_CLOSE_CODE = 4008;
const PERIOD_MS = 1000 / CONTROL_RATE_HZ;
const ZERO_ACTION: ArmCommand = Object.freeze({ vx: 0, vy: 0, grip: 0 });

export interface ServerSessionOptions {
  /** Image size used when a reset asks for 0 (the default). */
  readonly imageSize: number;
  /** Largest image size a reset may ask for. */
  readonly maxImageSize: number;
  /** Unread reply bytes beyond which a request closes the session instead of being answered. */
  readonly maxBufferedBytes: number;
  /** Parameters per task that resets get unless they set them. */
  readonly taskParams?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Called once when the session is closed as a slow reader. */
  readonly onSlowReader?: () => void;
  /** Fault injection: true drops the connection instead of answering the request just read. */
  readonly dropThisRequest?: () => boolean;
}

export class ServerSession {
  private readonly env: SimEnv;
  private realtime = false;
  private heldAction: ArmCommand = ZERO_ACTION;
  private latest: { transition: EnvTransition; stampNs: number } | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private closedAsSlowReader = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: ServerSessionOptions,
  ) {
    this.env = new SimEnv({ imageSize: options.imageSize });
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('close', () => this.stopTicker());
    socket.on('error', () => this.stopTicker());
  }

  close(): void {
    this.stopTicker();
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.closedAsSlowReader) return;
    // Lock-step replies are only queued while the client reads them: a client that keeps asking
    // without reading would otherwise make the server buffer replies without limit.
    const unread = this.socket.bufferedAmount;
    if (unread > this.options.maxBufferedBytes) {
      this.closeSlowReader(unread);
      return;
    }
    if (this.options.dropThisRequest?.()) {
      this.stopTicker();
      this.socket.terminate();
      return;
    }
    let id = 0;
    try {
      if (!isBinary) throw new SimRequestError('bad-frame', 'text frames are not accepted: send a binary SimRequest protobuf');
      const request = decodeRequest(frameBytes(data));
      id = request.id;
      this.send(this.answer(request));
    } catch (error) {
      const code = error instanceof SimRequestError ? error.code : 'internal';
      this.send(encodeError(id, code, (error as Error).message));
    }
  }

  private answer(request: SimRequestMessage): Uint8Array {
    switch (request.body) {
      case 'reset':
        return this.reset(request.id, request.reset ?? {});
      case 'step':
        return this.step(request.id, request.step?.action ?? []);
      case 'listTasks':
        return encodeTaskList(request.id, listTasks());
      case undefined:
        throw new SimRequestError('bad-request', `request ${request.id} has no body: expected reset, step or list_tasks`);
    }
  }

  private closeSlowReader(unread: number): void {
    this.closedAsSlowReader = true;
    this.stopTicker();
    this.options.onSlowReader?.();
    this.socket.close(SLOW_READER_CLOSE_CODE, `slow reader: ${unread} bytes of replies unread (limit ${this.options.maxBufferedBytes})`);
    // The close frame waits behind the unread replies; a client that reads nothing never takes it.
    setTimeout(() => this.socket.terminate(), 1000).unref();
  }

  private reset(id: number, reset: momento.v1.SimReset.$Properties): Uint8Array {
    const mode = reset.mode ?? pb.SimMode.LOCKSTEP;
    if (mode !== pb.SimMode.LOCKSTEP && mode !== pb.SimMode.REALTIME) {
      throw new SimRequestError('bad-reset', `reset.mode must be LOCKSTEP (0) or REALTIME (1), got ${String(mode)}`);
    }
    const seed = Number(reset.seed ?? 0);
    const size = reset.imageSize ?? 0;
    if (size > this.options.maxImageSize) {
      throw new SimRequestError('bad-reset', `reset.image_size ${size} exceeds this simulator's limit of ${this.options.maxImageSize}`);
    }
    this.stopTicker();
    const transition = this.env.reset(reset.task ?? '', seed, { ...(size === 0 ? {} : { imageSize: size }), params: { ...this.options.taskParams?.[reset.task ?? ''], ...resetParams(reset) } });
    this.realtime = mode === pb.SimMode.REALTIME;
    this.heldAction = ZERO_ACTION;
    const stampNs = this.realtime ? monotonicNowNs() : transition.observation.stampNs;
    this.latest = { transition, stampNs };
    if (this.realtime) this.startTicker();
    return encodeTransition(id, transition, this.env.privilegedJson(), stampNs);
  }

  private step(id: number, values: readonly number[]): Uint8Array {
    const command = parseAction(values);
    if (!this.realtime) return encodeTransition(id, this.env.stepWith(command), this.env.privilegedJson());
    // Real time: the action is held from the next tick on; the answer is the latest transition.
    if (!this.latest) throw new SimRequestError('no-episode', 'no episode yet: send a reset before stepping');
    if (this.env.done) this.env.stepWith(command); // throws the 'episode-done' refusal naming the outcome
    this.heldAction = command;
    return encodeTransition(id, this.latest.transition, this.env.privilegedJson(), this.latest.stampNs);
  }

  /** Ticks at the control rate against a fixed schedule, so late timers do not accumulate drift. */
  private startTicker(): void {
    const start = performance.now();
    let ticks = 0;
    const tick = (): void => {
      ticks++;
      this.ticker = undefined;
      try {
        const transition = this.env.stepWith(this.heldAction);
        const stampNs = monotonicNowNs();
        this.latest = { transition, stampNs };
        // A client that does not read its pushes misses some rather than buffering without bound.
        if (this.socket.bufferedAmount <= MAX_PUSH_BUFFERED_BYTES) this.send(encodeTransition(0, transition, this.env.privilegedJson(), stampNs));
        if (transition.done) return;
      } catch (error) {
        // A timer callback must never throw: report on the session and stop ticking.
        this.send(encodeError(0, 'internal', `real-time tick ${ticks} failed: ${(error as Error).message}`));
        return;
      }
      this.ticker = setTimeout(tick, Math.max(0, start + (ticks + 1) * PERIOD_MS - performance.now()));
    };
    this.ticker = setTimeout(tick, PERIOD_MS);
  }

  private stopTicker(): void {
    if (this.ticker) clearTimeout(this.ticker);
    this.ticker = undefined;
  }

  private send(frame: Uint8Array): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame, { binary: true });
  }
}
