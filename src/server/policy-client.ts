// PolicyClient: a PolicyBackend whose steps run on a momento policy server. Each episode is one
// server session on its own WebSocket (ws://host:port/<bundle>); a dropped socket is reopened
// with the session's resume token and the step in flight is repeated (the server answers a
// repeated request id from its cache, so no step runs twice).
import { WebSocket } from 'ws';
import { ManifestSchema, type Manifest } from '../bundle/manifest.js';
import type { Observation, StepResult } from '../core/types.js';
import { pb, type momento } from '../core/wire.js';
import type { PolicyBackend } from '../policy/backend.js';
import { PROTOCOL_VERSION } from './connection.js';
import { observationToWire } from './observation-input.js';
import { stepFromProto } from '../record/codec.js';

/** A refusal by the server, with its code, field and value (see ServerError in proto/momento.proto). */
export class PolicyServerError extends Error {
  override readonly name = 'PolicyServerError';
  constructor(
    readonly code: string,
    readonly field: string,
    readonly value: string,
    message: string,
  ) {
    super(`policy server: ${code}${field ? ` at '${field}'` : ''}${value ? ` (got ${value})` : ''}: ${message}`);
  }
}

export interface PolicyClientOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Clear the memory before every step (the server-side memoryless ablation). Default false. */
  readonly noMemory?: boolean;
  /** The contract this client was written for; the server refuses the connection if it disagrees. */
  readonly expect?: momento.v1.IPolicyContract;
  /** Give up opening or reconnecting a session after this long, ms. Default 10000. */
  readonly reconnectForMs?: number;
}

/** The server's step reply beyond the StepResult: how it was batched and stamped. */
export type RemoteStepInfo = Omit<momento.v1.IServerStepResult, 'result'>;

interface Pending {
  readonly request: momento.v1.IServerRequest;
  readonly resolve: (r: momento.v1.ServerResponse) => void;
  readonly reject: (e: Error) => void;
}

/** One request/reply socket with ids; rejects everything pending when it closes. */
class Channel {
  private readonly pending = new Map<number, Pending>();
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      let response: momento.v1.ServerResponse;
      try {
        if (!isBinary) throw new TypeError('a text frame');
        response = pb.ServerResponse.decode(data);
      } catch (err) {
        // A server that answers garbage is broken: fail what waits (typed, so nothing retries) and hang up.
        const fault = new PolicyServerError('bad-reply', 'frame', `${data.length} bytes`, `not a ServerResponse (${err instanceof Error ? err.message.slice(0, 200) : String(err)})`);
        for (const p of this.pending.values()) p.reject(fault);
        this.pending.clear();
        ws.terminate();
        return;
      }
      const p = this.pending.get(response.id);
      if (!p) return;
      this.pending.delete(response.id);
      p.resolve(response);
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('policy server connection closed'));
      this.pending.clear();
    });
    ws.on('error', () => undefined);
  }

  static open(url: string, token: string | undefined): Promise<Channel> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
      ws.once('open', () => resolve(new Channel(ws)));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString().slice(0, 500)));
        res.on('end', () => reject(new Error(`policy server ${url}: HTTP ${res.statusCode}: ${body.trim()}`)));
      });
      ws.once('error', (err) => reject(new Error(`policy server ${url}: ${err.message}`, { cause: err })));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  request(request: momento.v1.IServerRequest): Promise<momento.v1.ServerResponse> {
    return new Promise((resolve, reject) => {
      if (!this.open) return reject(new Error('policy server connection closed'));
      this.pending.set(request.id ?? 0, { request, resolve, reject });
      this.ws.send(pb.ServerRequest.encode(request).finish());
    });
  }

  close(): void {
    this.ws.close();
  }
}

function unwrap(response: momento.v1.ServerResponse): momento.v1.ServerResponse {
  if (response.body === 'error') {
    const e = response.error!;
    throw new PolicyServerError(e.code ?? '', e.field ?? '', e.value ?? '', e.message ?? '');
  }
  return response;
}

/** One episode = one server session. */
export class RemoteEpisode {
  private channel: Promise<Channel> | undefined;
  /** The server's session id and resume token, once the session is open. */
  sessionId = '';
  token = '';
  private nextId = 1;
  private ended = false;
  /** The session's step count as this client saw it (step replies received, reset and restore included). */
  private completedSteps = 0;
  /** The server's stamps and batching of the last step. */
  lastInfo: RemoteStepInfo | undefined;

  constructor(
    private readonly client: PolicyClient,
    readonly seed: number,
  ) {}

  private connect(): Promise<Channel> {
    this.channel ??= this.retrying(async () => {
      const ch = await Channel.open(this.client.url, this.client.options.token);
      const opened = unwrap(await ch.request({ id: this.nextId++, open: { seed: this.seed, noMemory: this.client.noMemory } }));
      this.sessionId = opened.opened!.sessionId ?? '';
      this.token = opened.opened!.resumeToken ?? '';
      return ch;
    });
    return this.channel;
  }

  /** Runs `attempt` until it succeeds, a refusal of the server (PolicyServerError) or `reconnectForMs`, with backoff. */
  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + (this.client.options.reconnectForMs ?? 10_000);
    let delay = 50;
    for (;;) {
      try {
        return await attempt();
      } catch (err) {
        if (err instanceof PolicyServerError || this.ended || Date.now() + delay > deadline) throw err;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(2000, delay * 2);
      }
    }
  }

  /**
   * Reopens the socket and resumes the session, retrying until `reconnectForMs` has passed. The
   * server must hold the memory this client built: at the step count it saw, or one past it when
   * the request in flight is a step (the server finished it and repeats its reply). Anything else
   * (a restarted server whose snapshot on disk was behind) is 'session-lost', never a silent gap.
   */
  private resume(pending: momento.v1.IServerRequest): Promise<Channel> {
    return this.retrying(async () => {
      const ch = await Channel.open(this.client.url, this.client.options.token);
      const opened = unwrap(await ch.request({ id: this.nextId++, resume: { sessionId: this.sessionId, resumeToken: this.token } }));
      const at = Number(opened.opened?.step ?? 0);
      if (at !== this.completedSteps && !(pending.step && at === this.completedSteps + 1)) {
        ch.close();
        throw new PolicyServerError('session-lost', 'resume.step', String(at), `the server resumed session ${this.sessionId.slice(0, 8)}… at step ${at}, this client had seen ${this.completedSteps}: the episode's memory was not kept`);
      }
      return ch;
    });
  }

  /** Sends a request; when the socket drops, resumes the session and sends it again (same id). The reply must have body `expect`. */
  async call(body: Omit<momento.v1.IServerRequest, 'id'>, expect?: NonNullable<momento.v1.ServerResponse['body']>): Promise<momento.v1.ServerResponse> {
    if (this.ended) throw new Error('policy client: this episode was ended');
    const request = { ...body, id: this.nextId++ };
    const ch = await this.connect();
    let response: momento.v1.ServerResponse;
    try {
      response = unwrap(await ch.request(request));
    } catch (err) {
      if (err instanceof PolicyServerError || ch.open || this.ended) throw err;
      this.channel = this.resume(request);
      response = unwrap(await (await this.channel).request(request));
    }
    if (expect !== undefined && response.body !== expect) throw new PolicyServerError('bad-reply', 'body', response.body ?? 'none', `the server answered a request for '${expect}' with '${response.body ?? 'no body'}'`);
    return response;
  }

  async step(observation: Observation): Promise<StepResult> {
    const response = await this.call({ step: { observation: observationToWire(observation) } }, 'step');
    const { result, ...info } = response.step!;
    const action = this.client.manifest.action;
    const chunk = result?.chunk;
    const values = chunk?.values?.length ?? 0;
    // Non-finite values are the scheduler's to hold on; a chunk of another shape cannot be played at all.
    if (!chunk || chunk.dims !== action.names.length || chunk.horizon !== action.chunk || values !== action.chunk * action.names.length) {
      throw new PolicyServerError('bad-reply', 'step.result.chunk', `${chunk?.horizon ?? 0}x${chunk?.dims ?? 0}, ${values} values`, `the bundle's chunks are ${action.chunk}x${action.names.length}`);
    }
    this.lastInfo = info;
    this.completedSteps++;
    return stepFromProto(result!);
  }

  /** The session's memory was replaced (reset, restore): its step count is now `step`. */
  restarted(step: number): void {
    this.completedSteps = step;
  }

  /** Drops the socket without closing the session (tests: a network failure). */
  async dropConnection(): Promise<void> {
    const ch = await this.connect();
    ch.ws.terminate();
  }

  async end(): Promise<void> {
    if (this.ended || !this.channel) {
      this.ended = true;
      return;
    }
    try {
      await this.call({ close: {} });
    } finally {
      this.ended = true;
      (await this.channel.catch(() => undefined))?.close();
    }
  }
}

export class PolicyClient implements PolicyBackend<RemoteEpisode>, AsyncDisposable {
  private readonly episodes = new Set<RemoteEpisode>();

  private constructor(
    readonly url: string,
    readonly options: PolicyClientOptions,
    readonly manifest: Manifest,
    readonly hash: string,
    readonly provider: string,
    readonly welcome: momento.v1.IServerWelcome,
  ) {}

  /** Connects to ws://host:port/<bundle>, checks the protocol and contract, and reads the bundle's manifest. */
  static async connect(url: string, options: PolicyClientOptions = {}): Promise<PolicyClient> {
    if (!/^wss?:\/\/[^/]+\/.+/.test(url)) throw new RangeError(`policy URL: expected ws://host:port/<bundle>, got '${url}'`);
    const ch = await Channel.open(url, options.token);
    try {
      const response = unwrap(await ch.request({ id: 1, hello: { protocolVersion: PROTOCOL_VERSION, ...(options.expect ? { expect: options.expect } : {}) } }));
      if (response.body !== 'welcome') throw new PolicyServerError('bad-reply', 'body', response.body ?? 'none', `policy server ${url} answered the hello with '${response.body ?? 'no body'}'`);
      const welcome = response.welcome!;
      let manifest: unknown;
      try {
        manifest = JSON.parse(welcome.manifestJson ?? '');
      } catch (err) {
        throw new PolicyServerError('bad-reply', 'welcome.manifest_json', `${(welcome.manifestJson ?? '').length} chars`, `policy server ${url}: not JSON (${(err as Error).message.slice(0, 200)})`);
      }
      const parsed = ManifestSchema.safeParse(manifest);
      if (!parsed.success) throw new Error(`policy server ${url}: its manifest does not parse here: ${parsed.error.issues[0]?.message ?? ''}`);
      return new PolicyClient(url, options, parsed.data, welcome.contract?.bundleHash ?? '', welcome.provider || 'remote', welcome);
    } finally {
      ch.close();
    }
  }

  get name(): string {
    return this.manifest.name;
  }

  get noMemory(): boolean {
    return this.options.noMemory ?? false;
  }

  newEpisode(seed = 0): RemoteEpisode {
    const episode = new RemoteEpisode(this, seed);
    this.episodes.add(episode);
    return episode;
  }

  step(episode: RemoteEpisode, observation: Observation): Promise<StepResult> {
    return episode.step(observation);
  }

  async endEpisode(episode: RemoteEpisode): Promise<void> {
    this.episodes.delete(episode);
    await episode.end();
  }

  async snapshot(episode: RemoteEpisode): Promise<momento.v1.IMemorySnapshot> {
    return (await episode.call({ snapshot: {} }, 'snapshot')).snapshot!;
  }

  async restore(episode: RemoteEpisode, snapshot: momento.v1.IMemorySnapshot): Promise<void> {
    await episode.call({ restore: { snapshot } });
    episode.restarted(Number(snapshot.step ?? 0));
  }

  async reset(episode: RemoteEpisode, seed: number): Promise<void> {
    await episode.call({ reset: { seed } });
    episode.restarted(0);
  }

  async release(): Promise<void> {
    const all = [...this.episodes];
    this.episodes.clear();
    await Promise.allSettled(all.map((e) => e.end()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}
