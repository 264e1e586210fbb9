// The socket under a SimSession: numbered requests matched to replies, per-request timeouts,
// and reconnection after a dropped socket (bounded attempts, exponential backoff). Requests in
// flight when the socket drops are rejected; later ones wait until the session is restored.
import WebSocket, { type RawData } from 'ws';
import { deferred, type Deferred } from '../../core/deferred.js';
import { frameBytes } from '../../core/ws-frame.js';
import { decodeReply, encodeRequest } from './sim-codec.js';
import type { SimReply, SimRequestBody } from './sim-codec.js';

/** Why a request to the simulator got no reply: the link failed, not the simulator's judgement. */
export type SimConnectionFailure = 'connect' | 'dropped' | 'lost' | 'closed' | 'timeout' | 'send';

/**
 * A request that failed because of the connection (dropped socket, reconnection given up, closed
 * session, no answer in time). Callers branch on it: the episode it belonged to is a fault of the
 * link, while a SimServerError is the simulator refusing the request.
 */
export class SimConnectionError extends Error {
  override readonly name = 'SimConnectionError';
  constructor(
    readonly failure: SimConnectionFailure,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface SimConnectionOptions {
  readonly maxReconnects: number;
  readonly reconnectDelayMs: number;
  readonly maxReconnectDelayMs: number;
  readonly requestTimeoutMs: number;
}

export interface SimConnectionHooks {
  /** A reply with id 0: a real-time push or an error about a frame the server could not read. */
  onPush(reply: SimReply): void;
  /** A frame that could not be decoded, or a reply nobody waits for; the connection keeps serving. */
  onFrameError(error: Error): void;
  /** Runs after a reconnect, before waiting requests go out (the session re-resets here). */
  restore(): Promise<void>;
  /** Reconnection gave up; the connection is dead. */
  onLost(error: Error): void;
}

interface PendingRequest {
  readonly kind: SimRequestBody['kind'];
  readonly resolve: (reply: SimReply) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Requests wait on it while reconnecting: resolved when the session is restored, rejected when lost. */
function createGate(): Deferred {
  const gate = deferred();
  gate.promise.catch(() => undefined); // awaiters still see the rejection; an unawaited gate is not an unhandled one
  return gate;
}

/** Opens the socket; a handshake that does not complete in `timeoutMs` (a stalled simulator) fails. */
function connectSocket(url: string, timeoutMs: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    socket.once('open', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export class SimConnection {
  private socket: WebSocket;
  private state: 'open' | 'reconnecting' | 'closed' | 'failed' = 'open';
  private failure: Error | undefined;
  private gate: Deferred | undefined;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private wakeFromBackoff: (() => void) | undefined;
  /** Successful reconnections so far. */
  reconnects = 0;

  private constructor(
    readonly url: string,
    socket: WebSocket,
    private readonly options: SimConnectionOptions,
    private readonly hooks: SimConnectionHooks,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  static async open(url: string, options: SimConnectionOptions, hooks: SimConnectionHooks): Promise<SimConnection> {
    try {
      return new SimConnection(url, await connectSocket(url, options.requestTimeoutMs), options, hooks);
    } catch (error) {
      throw new SimConnectionError('connect', `could not connect to the simulator at ${url}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Sends `body` and resolves with its reply. `restoring` requests skip the wait for a restored session. */
  async request(body: SimRequestBody, restoring = false): Promise<SimReply> {
    if (!restoring && this.state === 'reconnecting') await this.gate?.promise;
    if (this.state === 'closed') throw new SimConnectionError('closed', `sim session to ${this.url} is closed`);
    if (this.state === 'failed') throw new SimConnectionError('lost', `sim session to ${this.url} is lost: ${this.failure?.message ?? ''}`, { cause: this.failure });
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const frame = encodeRequest(id, body);
    return new Promise<SimReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SimConnectionError('timeout', `sim request ${id} (${body.kind}) got no answer within ${this.options.requestTimeoutMs} ms`));
      }, this.options.requestTimeoutMs);
      this.pending.set(id, { kind: body.kind, resolve, reject, timer });
      this.socket.send(frame, { binary: true }, (error) => {
        if (error) this.settle(id, new SimConnectionError('send', `sim request ${id} (${body.kind}) could not be sent: ${error.message}`, { cause: error }));
      });
    });
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.wakeFromBackoff?.();
    this.gate?.reject(new SimConnectionError('closed', `sim session to ${this.url} is closed`));
    this.rejectPending('closed', (kind, id) => `sim session to ${this.url} closed before request ${id} (${kind}) was answered`);
    const socket = this.socket;
    if (socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => socket.terminate(), 1000);
      socket.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      socket.close(1000, 'client closed the session');
    });
  }

  private attach(socket: WebSocket): void {
    socket.on('message', (data) => this.onFrame(data));
    socket.on('error', () => undefined); // 'close' follows every error; that is where we react
    socket.on('close', (code) => this.onSocketClosed(socket, code));
  }

  private onFrame(data: RawData): void {
    let reply: SimReply;
    try {
      reply = decodeReply(frameBytes(data));
    } catch (error) {
      this.hooks.onFrameError(error as Error);
      return;
    }
    if (reply.id === 0) {
      this.hooks.onPush(reply);
      return;
    }
    const request = this.pending.get(reply.id);
    if (!request) {
      this.hooks.onFrameError(new Error(`reply ${reply.id} (${reply.kind}) matches no request in flight (timed out?)`));
      return;
    }
    clearTimeout(request.timer);
    this.pending.delete(reply.id);
    request.resolve(reply);
  }

  private onSocketClosed(socket: WebSocket, code: number): void {
    if (socket !== this.socket || this.state === 'closed') return;
    this.rejectPending('dropped', (kind, id) => `sim connection to ${this.url} dropped (code ${code}) before request ${id} (${kind}) was answered`);
    if (this.state !== 'open') return; // a restore in progress failed; its loop tries again
    this.state = 'reconnecting';
    this.gate = createGate();
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    let lastError: Error = new Error('no attempt made');
    for (let attempt = 1; attempt <= this.options.maxReconnects; attempt++) {
      await this.backoff(Math.min(this.options.reconnectDelayMs * 2 ** (attempt - 1), this.options.maxReconnectDelayMs));
      if (this.closed) return;
      try {
        this.socket = await connectSocket(this.url, this.options.requestTimeoutMs);
        this.attach(this.socket);
        await this.hooks.restore();
        this.reconnects++;
        this.state = 'open';
        this.gate?.resolve();
        return;
      } catch (error) {
        lastError = error as Error;
        if (this.closed) return;
        this.socket.terminate();
      }
    }
    this.state = 'failed';
    this.failure = new SimConnectionError('lost', `sim connection to ${this.url} lost; ${this.options.maxReconnects} reconnect attempts failed, last: ${lastError.message}`, {
      cause: lastError,
    });
    this.gate?.reject(this.failure);
    this.hooks.onLost(this.failure);
  }

  /** Read through a getter: close() may run while reconnect() awaits, which narrowing cannot see. */
  private get closed(): boolean {
    return this.state === 'closed';
  }

  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeFromBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private settle(id: number, error: Error): void {
    const request = this.pending.get(id);
    if (!request) return;
    clearTimeout(request.timer);
    this.pending.delete(id);
    request.reject(error);
  }

  private rejectPending(failure: SimConnectionFailure, message: (kind: SimRequestBody['kind'], id: number) => string): void {
    for (const [id, request] of [...this.pending]) this.settle(id, new SimConnectionError(failure, message(request.kind, id)));
  }
}
