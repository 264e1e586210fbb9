// One client socket of the policy server: decodes ServerRequest frames, answers each with a
// ServerResponse of the same id, and holds at most one session at a time. A bad frame gets a typed
// ServerError and the connection (and its session) stays usable.
import type { WebSocket } from 'ws';
import { pb, type momento } from '../core/wire.js';
import { momentoVersion } from '../record/version.js';
import type { BundleHost, Session } from './bundle-host.js';
import { contractProblems } from './contract.js';
import { ServerFault, asFault, shown } from './fault.js';
import { observationFromWire } from './observation-input.js';
import { stepToProto } from '../record/codec.js';
import { closeIfSlowReader } from './upgrade.js';
import { checkRequestWireTypes } from './wire-check.js';

export const PROTOCOL_VERSION = 1;
export const CAPABILITIES = ['sessions', 'resume', 'snapshot', 'restore', 'batching', 'latest-only'];

/** What a connection needs from its server. */
export interface ConnectionContext {
  readonly host: BundleHost;
  readonly maxFrameBytes: number;
  /** Unread reply bytes beyond which the connection is closed as a slow reader. */
  readonly maxBufferedBytes: number;
  readonly ttlS: number;
  readonly nowMs: () => number;
  readonly provider: string;
  openSession(host: BundleHost, seed: number, noMemory: boolean): { session: Session; token: string };
  resumeSession(host: BundleHost, id: string, token: string): Session;
  closeSession(session: Session): void;
  detach(session: Session): void;
  stepped(session: Session, receivedNs: number, outcome: { queueWaitMs: number; batchSize: number }): void;
  fault(code: string): void;
  /** The connection was closed because its replies piled up unread. */
  slowReader(): void;
}

function epochNs(): number {
  return Date.now() * 1e6;
}

export class ServerConnection {
  private session: Session | undefined;
  private refused = false;
  private slow = false;
  private readonly replyHere = (frame: Uint8Array): void => {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame);
  };

  constructor(
    private readonly socket: WebSocket,
    private readonly ctx: ConnectionContext,
  ) {
    socket.on('message', (data, isBinary) => this.onFrame(data as Buffer, isBinary));
    socket.on('close', () => {
      // A session resumed on another connection meanwhile is that connection's now: leave it attached.
      const mine = this.session?.replyTo === this.replyHere;
      if (this.session && !this.session.closed && mine) this.ctx.detach(this.session);
      if (mine) this.session!.replyTo = undefined;
      this.session = undefined;
    });
  }

  private send(response: momento.v1.IServerResponse): Uint8Array {
    const frame = pb.ServerResponse.encode(response).finish();
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(frame);
    return frame;
  }

  private sendFault(id: number, err: unknown): void {
    const f = asFault(err);
    this.ctx.fault(f.code);
    this.send({ id, error: { code: f.code, field: f.field, value: f.value, message: f.message } });
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    const receivedNs = epochNs();
    if (this.slow) return;
    // Replies are only produced while the client reads them: one that keeps sending without
    // reading would otherwise make the server buffer replies without limit.
    if (closeIfSlowReader(this.socket, this.ctx.maxBufferedBytes)) {
      this.slow = true;
      this.ctx.slowReader();
      return;
    }
    if (!isBinary) return this.sendFault(0, new ServerFault('bad-frame', 'frame', 'text', 'expected a binary ServerRequest frame, got a text frame'));
    if (data.length > this.ctx.maxFrameBytes) {
      return this.sendFault(0, new ServerFault('frame-too-large', 'frame', `${data.length} bytes`, `frames are limited to ${this.ctx.maxFrameBytes} bytes`));
    }
    let request: momento.v1.ServerRequest;
    try {
      checkRequestWireTypes(data);
    } catch (err) {
      return this.sendFault(0, err);
    }
    try {
      request = pb.ServerRequest.decode(data);
    } catch (err) {
      return this.sendFault(0, new ServerFault('bad-frame', 'frame', `${data.length} bytes`, `not a ServerRequest: ${(err as Error).message}`));
    }
    const id = request.id;
    try {
      this.dispatch(request, receivedNs);
    } catch (err) {
      this.sendFault(id, err);
    }
  }

  private dispatch(request: momento.v1.ServerRequest, receivedNs: number): void {
    const { id } = request;
    if (this.refused) throw new ServerFault('incompatible', 'hello', 'refused', 'this connection was refused at the handshake');
    switch (request.body) {
      case 'hello': {
        const hello = request.hello!;
        if (hello.protocolVersion !== PROTOCOL_VERSION) {
          this.refused = true;
          throw new ServerFault('incompatible', 'hello.protocol_version', String(hello.protocolVersion), `this server speaks protocol version ${PROTOCOL_VERSION}`);
        }
        const problems = hello.expect ? contractProblems(hello.expect, this.ctx.host.contract) : [];
        if (problems.length > 0) {
          this.refused = true;
          throw new ServerFault('incompatible', 'hello.expect', shown(problems[0]!, 200), `the client's contract disagrees with bundle '${this.ctx.host.route}': ${shown(problems.join('; '), 1000)}`);
        }
        this.send({
          id,
          welcome: { protocolVersion: PROTOCOL_VERSION, capabilities: CAPABILITIES, contract: this.ctx.host.contract, manifestJson: this.ctx.host.manifestJson, serverVersion: momentoVersion(), provider: this.ctx.provider },
        });
        return;
      }
      case 'open': {
        if (this.session && !this.session.closed) throw new ServerFault('bad-field', 'open', 'session open', `this connection already holds session ${this.session.id}; close it first`);
        const seed = Number(request.open!.seed);
        if (!Number.isSafeInteger(seed) || seed < 0) throw new ServerFault('bad-field', 'open.seed', shown(request.open!.seed), 'not a non-negative safe integer');
        const { session, token } = this.ctx.openSession(this.ctx.host, seed, request.open!.noMemory ?? false);
        this.session = session;
        session.replyTo = this.replyHere;
        this.send({ id, opened: { sessionId: session.id, resumeToken: token, ttlS: this.ctx.ttlS, step: 0, noMemory: session.noMemory, seed } });
        return;
      }
      case 'resume': {
        if (this.session && !this.session.closed) throw new ServerFault('bad-field', 'resume', 'session open', `this connection already holds session ${this.session.id}`);
        const { sessionId, resumeToken } = request.resume!;
        const session = this.ctx.resumeSession(this.ctx.host, sessionId ?? '', resumeToken ?? '');
        this.session = session;
        session.replyTo = this.replyHere;
        this.send({ id, opened: { sessionId: session.id, resumeToken, ttlS: this.ctx.ttlS, step: session.episode.step, noMemory: session.noMemory, seed: session.seed } });
        return;
      }
      case 'step': {
        const session = this.requireSession('step');
        // A resumed client repeating the request whose reply it lost gets that reply again.
        if (session.lastReply && session.lastReply.id === id) {
          if (this.socket.readyState === this.socket.OPEN) this.socket.send(session.lastReply.frame);
          return;
        }
        // Still running (the socket dropped mid-step): its reply goes to this connection when done.
        if (session.runningIds.has(id)) return;
        const observation = observationFromWire(session.host.policy.manifest, request.step!.observation);
        session.runningIds.add(id);
        session.step(observation).then(
          (outcome) => {
            this.ctx.stepped(session, receivedNs, outcome);
            const response: momento.v1.IServerResponse = {
              id,
              step: {
                result: stepToProto(outcome.result),
                queueWaitMs: outcome.queueWaitMs,
                batchSize: outcome.batchSize,
                serverReceiveNs: receivedNs,
                serverSendNs: epochNs(),
                droppedFrames: outcome.droppedFrames,
              },
            };
            const frame = pb.ServerResponse.encode(response).finish();
            session.lastReply = { id, frame };
            session.runningIds.delete(id);
            // The session may have moved to another socket (resume) while the step ran: reply where it lives now.
            session.replyTo?.(frame);
          },
          (err: unknown) => {
            session.runningIds.delete(id);
            if (this.session === session) this.sendFault(id, err);
          },
        );
        return;
      }
      case 'reset': {
        const session = this.requireSession('reset');
        const seed = Number(request.reset!.seed);
        if (!Number.isSafeInteger(seed) || seed < 0) throw new ServerFault('bad-field', 'reset.seed', shown(request.reset!.seed), 'not a non-negative safe integer');
        session.reset(seed);
        this.send({ id, ok: {} });
        return;
      }
      case 'snapshot':
        this.send({ id, snapshot: this.requireSession('snapshot').snapshot() });
        return;
      case 'restore': {
        const session = this.requireSession('restore');
        if (!request.restore!.snapshot) throw new ServerFault('bad-field', 'restore.snapshot', 'missing', 'a restore needs a snapshot');
        session.restore(request.restore!.snapshot);
        this.send({ id, ok: {} });
        return;
      }
      case 'close': {
        const session = this.requireSession('close');
        this.ctx.closeSession(session);
        this.send({ id, ok: {} });
        return;
      }
      case undefined:
        throw new ServerFault('bad-frame', 'body', 'none', 'a ServerRequest needs a body (hello, open, resume, step, reset, snapshot, restore or close)');
    }
  }

  private requireSession(what: string): Session {
    const session = this.session;
    if (!session) throw new ServerFault('no-session', what, 'none', `open or resume a session before '${what}'`);
    if (session.replyTo !== this.replyHere && !session.closed) throw new ServerFault('superseded', 'session_id', session.id, `the session was resumed on another connection; '${what}' goes there`);
    if (session.closed) throw new ServerFault('session-closed', 'session_id', session.id, `the session was closed; '${what}' needs an open one`);
    return session;
  }
}
