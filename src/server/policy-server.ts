// PolicyServer: serves one or more bundles over WebSocket (ws://host:port/<bundle>, protobuf
// frames, see connection.ts) with per-session memory, resume tokens with a TTL, cross-session
// batching, optional persistence of sessions (--snapshot-dir), GET /healthz and GET /metrics, and
// optionally openpi's wire format on a second port. Binds 127.0.0.1 unless told otherwise.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Device, InferenceMode } from '../onnx/graph.js';
import { Policy } from '../policy/policy.js';
import type { Schedule } from '../policy/step-batcher.js';
import { BundleHost, type Session } from './bundle-host.js';
import { ServerConnection, type ConnectionContext } from './connection.js';
import { ServerFault } from './fault.js';
import { ServerMetrics } from './metrics.js';
import { OpenpiEndpoint, type OpenpiKeyMap } from './openpi.js';
import { SnapshotStore } from './snapshot-store.js';
import { HandshakeGuard, authorized, listen, pathOf, reject } from './upgrade.js';

export interface PolicyServerOptions {
  /** Bundle folders to serve; each is reached at /<folder name> (and /<manifest name>). */
  readonly bundles: readonly string[];
  /** Port; 0 picks a free one. Default 8700. */
  readonly port?: number;
  /** Address to bind. Default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** When set, every upgrade request must carry `Authorization: Bearer <token>` (or openpi's `Api-Key <token>`). */
  readonly token?: string;
  /** Largest accepted frame, bytes. Default 16 MiB; frames up to twice this get a typed error, larger ones close the socket. */
  readonly maxFrameBytes?: number;
  /** Seconds a session whose socket dropped is kept for a resume. Default 60. */
  readonly ttlS?: number;
  /** Persist each session here every `snapshotEvery` steps, and resume the sessions found here at start. */
  readonly snapshotDir?: string;
  /** Steps between persisted snapshots. Default 1. */
  readonly snapshotEvery?: number;
  /** Largest batch of sessions per model call; 1 turns batching off. Default 32. */
  readonly maxBatch?: number;
  /** Batching window, ms. Default 2. */
  readonly waitMs?: number;
  /** Most sessions at once (attached or waiting for a resume, openpi connections included). Default 1024. */
  readonly maxSessions?: number;
  /** Most WebSocket connections at once (with or without a session); more are refused with HTTP 503. Default 1024. */
  readonly maxConnections?: number;
  /** A TCP connection that has neither upgraded nor asked an HTTP request within this many ms is dropped. Default 5000. */
  readonly handshakeTimeoutMs?: number;
  /** Unread reply bytes per connection beyond which it is closed as a slow reader (code 1008). Default 8 MiB. */
  readonly maxBufferedBytes?: number;
  readonly device?: Device;
  /** Graph calls in the inference worker (default: the event loop never waits on a model) or inline. */
  readonly inference?: InferenceMode;
  /** Port of the openpi-compatible endpoint (0 picks one); off when undefined. */
  readonly openpiPort?: number;
  /** Which bundle the openpi endpoint serves. Default the first. */
  readonly openpiBundle?: string;
  /** openpi observation keys → the bundle's inputs. Default: see OpenpiEndpoint. */
  readonly openpiKeys?: OpenpiKeyMap;
  /** Server clock in ms for TTLs (tests inject one). Default Date.now. */
  readonly now?: () => number;
  /** Batching window timer (tests inject one). Default setTimeout. */
  readonly schedule?: Schedule;
  readonly warn?: (message: string) => void;
}

const MAX_LOST_REMEMBERED = 4096;

/** What the server refused or dropped to stay within its bounds (also in /metrics as errors by code). */
export interface PolicyServerCounters {
  /** Connections dropped because their handshake did not complete in time (both listeners). */
  readonly handshakeTimeouts: number;
  /** Upgrades refused with 503 because maxConnections (or, on the openpi port, maxSessions) were reached. */
  readonly refusedConnections: number;
  /** Connections closed because their replies piled up unread. */
  readonly slowReaders: number;
}

export class PolicyServer implements AsyncDisposable {
  readonly metrics = new ServerMetrics();
  private readonly hosts = new Map<string, BundleHost>();
  private readonly sessions = new Map<string, Session>();
  /** Ids of sessions that expired, so a late resume is told its episode was lost (bounded). */
  private readonly lost = new Set<string>();
  private readonly sockets = new Set<WebSocket>();
  private readonly wss: WebSocketServer;
  private readonly http: Server;
  private store: SnapshotStore | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private openpi: OpenpiEndpoint | undefined;
  private closed = false;
  private readonly now: () => number;
  private readonly ttlS: number;
  private readonly maxFrameBytes: number;
  private readonly snapshotEvery: number;
  private readonly maxSessions: number;
  private readonly maxConnections: number;
  private readonly maxBufferedBytes: number;
  private readonly handshakes: HandshakeGuard;
  private readonly counts = { refusedConnections: 0, slowReaders: 0 };
  private provider = 'cpu';

  private constructor(private readonly options: PolicyServerOptions) {
    this.now = options.now ?? Date.now;
    this.ttlS = options.ttlS ?? 60;
    this.maxFrameBytes = options.maxFrameBytes ?? 16 * 2 ** 20;
    this.snapshotEvery = options.snapshotEvery ?? 1;
    this.maxSessions = options.maxSessions ?? 1024;
    this.maxConnections = options.maxConnections ?? 1024;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 8 * 2 ** 20;
    for (const [name, v] of [['maxSessions', this.maxSessions], ['maxConnections', this.maxConnections], ['maxBufferedBytes', this.maxBufferedBytes]] as const) {
      if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${v}`);
    }
    if (!(this.ttlS > 0)) throw new RangeError(`ttlS must be > 0, got ${this.ttlS}`);
    if (!Number.isInteger(this.snapshotEvery) || this.snapshotEvery < 1) throw new RangeError(`snapshotEvery must be a positive integer, got ${this.snapshotEvery}`);
    if (!Number.isInteger(this.maxFrameBytes) || this.maxFrameBytes < 1024) throw new RangeError(`maxFrameBytes must be an integer >= 1024, got ${this.maxFrameBytes}`);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 2 * this.maxFrameBytes, perMessageDeflate: false });
    this.http = createServer((req, res) => {
      const path = pathOf(req) ?? '';
      if (req.method === 'GET' && path === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.health()));
      } else if (req.method === 'GET' && path === '/metrics') {
        this.metrics.registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(text),
          (err: unknown) => res.writeHead(500).end(String(err)),
        );
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path.slice(0, 100)} (try /healthz, /metrics, or a WebSocket at /<bundle>)\n`);
      }
    });
    this.handshakes = new HandshakeGuard(this.http, options.handshakeTimeoutMs ?? 5000);
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  static async create(options: PolicyServerOptions): Promise<PolicyServer> {
    if (options.bundles.length === 0) throw new RangeError('PolicyServer: give at least one bundle');
    const server = new PolicyServer(options);
    try {
      await server.start();
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  }

  private async start(): Promise<void> {
    const o = this.options;
    for (const dir of o.bundles) {
      const policy = await Policy.load(dir, { device: o.device ?? 'cpu', inference: o.inference ?? 'worker', ...(o.warn ? { warn: o.warn } : {}) });
      const host = new BundleHost(basename(resolve(dir)), policy, {
        maxBatch: o.maxBatch ?? 32,
        waitMs: o.waitMs ?? 2,
        ...(o.schedule ? { schedule: o.schedule } : {}),
        onDropped: () => this.metrics.dropped.inc({ bundle: host.route }),
      });
      this.provider = policy.provider;
      for (const name of [host.route, policy.manifest.name]) {
        if (this.hosts.has(name) && this.hosts.get(name) !== host) {
          await policy.release();
          throw new RangeError(`two bundles are served as '${name}'`);
        }
        this.hosts.set(name, host);
      }
    }
    if (o.snapshotDir) {
      this.store = new SnapshotStore(o.snapshotDir, o.warn);
      for (const record of this.store.load()) {
        const host = this.hosts.get(record.bundle);
        if (!host) {
          (o.warn ?? console.warn)(`momento serve: --snapshot-dir: session ${record.sessionId} is of bundle '${record.bundle}', which is not served: kept on disk`);
          continue;
        }
        try {
          this.sessions.set(record.sessionId, host.restoredSession(record, this.now()));
        } catch (err) {
          (o.warn ?? console.warn)(`momento serve: --snapshot-dir: session ${record.sessionId}: ${(err as Error).message}`);
        }
      }
    }
    this.updateSessionGauge();
    await listen(this.http, o.port ?? 8700, o.host ?? '127.0.0.1');
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
    if (o.openpiPort !== undefined) {
      const route = o.openpiBundle ?? basename(resolve(o.bundles[0]!));
      const host = this.hosts.get(route);
      if (!host) throw new RangeError(`--openpi-bundle: '${route}' is not one of the served bundles (${[...this.hosts.keys()].join(', ')})`);
      this.openpi = await OpenpiEndpoint.create({
        host,
        port: o.openpiPort,
        bind: o.host ?? '127.0.0.1',
        maxFrameBytes: this.maxFrameBytes,
        maxBufferedBytes: this.maxBufferedBytes,
        handshakeTimeoutMs: o.handshakeTimeoutMs ?? 5000,
        // Each openpi connection is a session: it counts against maxSessions with the others.
        admit: () => (this.sessionCount() >= this.maxSessions ? `the server holds its maximum of ${this.maxSessions} sessions` : undefined),
        onRefused: () => this.counts.refusedConnections++,
        onSlowReader: () => this.counts.slowReaders++,
        ...(o.token ? { token: o.token } : {}),
        ...(o.openpiKeys ? { keys: o.openpiKeys } : {}),
        metrics: this.metrics,
      });
    }
  }

  /** The WebSocket base URL, e.g. ws://127.0.0.1:8700 (append /<bundle>). */
  get url(): string {
    const a = this.http.address() as AddressInfo;
    return `ws://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  get httpUrl(): string {
    return this.url.replace(/^ws/, 'http');
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** ws://host:port of the openpi endpoint, when it runs. */
  get openpiUrl(): string | undefined {
    return this.openpi?.url;
  }

  /** The batcher of a served bundle (statistics). */
  host(route: string): BundleHost | undefined {
    return this.hosts.get(route);
  }

  get counters(): PolicyServerCounters {
    return { handshakeTimeouts: this.handshakes.timeouts + (this.openpi?.handshakeTimeouts ?? 0), ...this.counts };
  }

  /** Sessions held now: protobuf sessions (attached or detached) and openpi connections. */
  private sessionCount(): number {
    return this.sessions.size + (this.openpi?.connections ?? 0);
  }

  get snapshotStore(): SnapshotStore | undefined {
    return this.store;
  }

  health(): { status: 'ok'; bundles: string[]; sessions: number; attached: number; provider: string } {
    const all = [...this.sessions.values()];
    return { status: 'ok', bundles: [...new Set([...this.hosts.values()].map((h) => h.route))], sessions: all.length, attached: all.filter((s) => s.detachedAt === undefined).length, provider: this.provider };
  }

  /** Ends the sessions detached longer than the TTL (run every second; tests call it with their clock). */
  sweep(): void {
    const now = this.now();
    for (const session of this.sessions.values()) {
      if (session.detachedAt !== undefined && now - session.detachedAt > this.ttlS * 1000) {
        this.forget(session);
        this.lost.add(session.id);
        if (this.lost.size > MAX_LOST_REMEMBERED) this.lost.delete(this.lost.values().next().value!);
      }
    }
    this.updateSessionGauge();
  }

  private forget(session: Session): void {
    session.closed = true;
    session.host.batcher.close(session.episode);
    this.sessions.delete(session.id);
    this.store?.remove(session.id);
  }

  private persist(session: Session): void {
    this.store?.save({ sessionId: session.id, tokenSha256: session.tokenSha256, bundle: session.host.route, seed: session.seed, noMemory: session.noMemory, snapshot: session.episode.snapshot() });
  }

  private updateSessionGauge(): void {
    this.metrics.sessions.reset();
    for (const s of this.sessions.values()) this.metrics.sessions.inc({ bundle: s.host.route, state: s.detachedAt === undefined ? 'attached' : 'detached' });
  }

  private context(host: BundleHost): ConnectionContext {
    return {
      host,
      maxFrameBytes: this.maxFrameBytes,
      maxBufferedBytes: this.maxBufferedBytes,
      ttlS: this.ttlS,
      nowMs: this.now,
      provider: this.provider,
      openSession: (h, seed, noMemory) => {
        const held = this.sessionCount();
        if (held >= this.maxSessions) throw new ServerFault('busy', 'open', `${held} sessions`, `the server holds its maximum of ${this.maxSessions} sessions`);
        const opened = h.newSession(seed, noMemory);
        this.sessions.set(opened.session.id, opened.session);
        this.persist(opened.session);
        this.updateSessionGauge();
        return opened;
      },
      resumeSession: (h, id, token) => {
        const session = this.sessions.get(id);
        if (!session || session.host !== h) {
          if (this.lost.has(id)) throw new ServerFault('session-lost', 'resume.session_id', id.slice(0, 64), `session was detached longer than the TTL (${this.ttlS} s): its episode is lost`);
          throw new ServerFault('no-session', 'resume.session_id', id.slice(0, 64), 'no such session on this server');
        }
        if (!session.tokenMatches(token)) throw new ServerFault('bad-field', 'resume.resume_token', '(hidden)', 'wrong resume token');
        // Still attached: its old socket dropped on the client's side before this server noticed.
        // The token proves the client owns the session, so the new connection takes it over.
        session.attach();
        this.updateSessionGauge();
        return session;
      },
      closeSession: (session) => {
        this.forget(session);
        this.updateSessionGauge();
      },
      detach: (session) => {
        session.detach(this.now());
        this.updateSessionGauge();
      },
      stepped: (session, receivedNs, outcome) => {
        const bundle = session.host.route;
        this.metrics.steps.inc({ bundle });
        this.metrics.batchSize.observe({ bundle }, outcome.batchSize);
        this.metrics.queueWait.observe({ bundle }, outcome.queueWaitMs / 1000);
        this.metrics.stepLatency.observe({ bundle }, Math.max(0, Date.now() * 1e6 - receivedNs) / 1e9);
        if (this.store && session.episode.step % this.snapshotEvery === 0) this.persist(session);
      },
      fault: (code) => this.metrics.errors.inc({ code }),
      slowReader: () => {
        this.counts.slowReaders++;
        this.metrics.errors.inc({ code: 'slow-reader' });
      },
    };
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.handshakes.done(socket);
    const path = pathOf(req);
    if (path === undefined) return reject(socket, 400, `not a valid request target: ${(req.url ?? '').slice(0, 100)}`);
    const host = this.hosts.get(path.slice(1));
    if (this.closed) return reject(socket, 503, 'server closing');
    if (this.sockets.size >= this.maxConnections) {
      this.counts.refusedConnections++;
      return reject(socket, 503, `the server holds its maximum of ${this.maxConnections} connections; try again later`);
    }
    if (!authorized(req, this.options.token)) return reject(socket, 401, 'missing or wrong bearer token');
    if (!host) return reject(socket, 404, `no bundle at ${path.slice(0, 100)} (served: ${[...this.hosts.keys()].join(', ')})`);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => ws.terminate());
      new ServerConnection(ws, this.context(host));
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await this.openpi?.close();
    for (const ws of this.sockets) ws.terminate();
    this.handshakes.close();
    this.wss.close();
    if (this.http.listening) await new Promise<void>((done) => this.http.close(() => done()));
    await this.store?.flush();
    const policies = new Set([...this.hosts.values()].map((h) => h.policy));
    await Promise.all([...policies].map((p) => p.release()));
    this.metrics.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
