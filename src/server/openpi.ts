// The openpi-compatible endpoint: a second listener at ws://host:port/ (no path, as openpi's
// clients connect) speaking openpi's policy-server wire format: the server sends a metadata map
// first; each request is an observation map, each reply holds `actions` [H, A] and
// `server_timing`. Each connection is one session with its own memory (reset by a `reset` key or
// by reconnecting); refusals are text frames (openpi's client raises them), and the socket stays open.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CameraFrame, Observation } from '../core/types.js';
import { momentoVersion } from '../record/version.js';
import type { BundleHost, Session } from './bundle-host.js';
import { ServerFault, asFault, shown } from './fault.js';
import type { ServerMetrics } from './metrics.js';
import { NdArray, decodeOpenpi, makeDecoder, packOpenpi } from './openpi-codec.js';
import { HandshakeGuard, authorized, closeIfSlowReader, listen, reject } from './upgrade.js';

/** openpi observation key → 'proprio', 'task', or the name of one of the bundle's cameras. */
export type OpenpiKeyMap = Readonly<Record<string, string>>;

/** `observation/image` → the first camera, `observation/<camera>` → each further camera, `observation/state` → proprio, `prompt` → task. */
export function defaultOpenpiKeys(host: BundleHost): OpenpiKeyMap {
  const cams = host.policy.manifest.observation.cameras;
  const keys: Record<string, string> = { 'observation/state': 'proprio' };
  if (host.policy.manifest.observation.instruction) keys['prompt'] = 'task';
  cams.forEach((c, i) => {
    keys[i === 0 ? 'observation/image' : `observation/${c.name}`] = c.name;
  });
  return keys;
}

export interface OpenpiEndpointOptions {
  readonly host: BundleHost;
  readonly port: number;
  readonly bind: string;
  readonly maxFrameBytes: number;
  /** Unread reply bytes beyond which a connection is closed as a slow reader. Default 8 MiB. */
  readonly maxBufferedBytes?: number;
  /** Deadline of the WebSocket handshake, ms. Default 5000. */
  readonly handshakeTimeoutMs?: number;
  /** Asked at every upgrade: a reason to refuse it (503), or undefined to accept. */
  readonly admit?: () => string | undefined;
  readonly onRefused?: () => void;
  readonly onSlowReader?: () => void;
  readonly token?: string;
  readonly keys?: OpenpiKeyMap;
  readonly metrics: ServerMetrics;
}

/**
 * Requests one connection may have unanswered (the running one included). openpi's clients send
 * one at a time; a client that sends more is refused per frame beyond this (the frames are not kept).
 */
export const MAX_QUEUED_REQUESTS = 4;

export class OpenpiEndpoint {
  private readonly wss: WebSocketServer;
  private readonly http: Server;
  private readonly keys: OpenpiKeyMap;
  private readonly sockets = new Set<WebSocket>();
  private readonly handshakes: HandshakeGuard;

  private constructor(private readonly options: OpenpiEndpointOptions) {
    const { host } = options;
    this.keys = options.keys ?? defaultOpenpiKeys(host);
    checkKeyMap(host, this.keys);
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 2 * options.maxFrameBytes, perMessageDeflate: false });
    this.http = createServer((req, res) => {
      // openpi's server answers GET /healthz with 200 as well.
      if (req.url === '/healthz') res.writeHead(200).end('OK\n');
      else res.writeHead(404).end();
    });
    this.handshakes = new HandshakeGuard(this.http, options.handshakeTimeoutMs ?? 5000);
    this.http.on('upgrade', (req, socket, head) => {
      this.handshakes.done(socket);
      if (!authorized(req, options.token)) return reject(socket, 401, 'missing or wrong token');
      const refusal = options.admit?.();
      if (refusal !== undefined) {
        options.onRefused?.();
        return reject(socket, 503, `${refusal}; try again later`);
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws));
    });
  }

  static async create(options: OpenpiEndpointOptions): Promise<OpenpiEndpoint> {
    const endpoint = new OpenpiEndpoint(options);
    await listen(endpoint.http, options.port, options.bind);
    return endpoint;
  }

  get url(): string {
    const a = this.http.address() as AddressInfo;
    return `ws://${a.address}:${a.port}`;
  }

  /** Open connections (each holds one session). */
  get connections(): number {
    return this.sockets.size;
  }

  get handshakeTimeouts(): number {
    return this.handshakes.timeouts;
  }

  private metadata(): Record<string, unknown> {
    const m = this.options.host.policy.manifest;
    return {
      server: 'momento',
      momento_version: momentoVersion(),
      bundle: m.name,
      bundle_hash: this.options.host.policy.hash,
      action_horizon: m.action.chunk,
      action_dim: m.action.names.length,
      action_names: [...m.action.names],
      execute: m.action.execute,
      rate_hz: m.action.rate_hz,
      memory: m.memory.kind,
      tasks: [...(m.observation.instruction?.tasks ?? [])],
      keys: { ...this.keys },
    };
  }

  private serve(ws: WebSocket): void {
    const { host, metrics } = this.options;
    this.sockets.add(ws);
    const decoder = makeDecoder(this.options.maxFrameBytes);
    let session: Session = host.newSession(0, false).session;
    let index = 0;
    let previousTotalMs: number | undefined;
    ws.send(packOpenpi(this.metadata()));
    const refuse = (err: unknown): void => {
      const f = asFault(err);
      metrics.errors.inc({ code: f.code });
      // The field is the client's key path: bounded like the value, so nothing comes back unbounded.
      if (ws.readyState === ws.OPEN) ws.send(`momento: ${f.code}${f.field ? ` at '${shown(f.field, 200)}'` : ''}${f.value ? ` (got ${shown(f.value, 200)})` : ''}: ${shown(f.message, 1000)}`);
    };
    // One request at a time per connection, as openpi's clients send them; a bounded few may be unanswered.
    let chain: Promise<void> = Promise.resolve();
    let queued = 0;
    let slow = false;
    const maxBuffered = this.options.maxBufferedBytes ?? 8 * 2 ** 20;
    ws.on('message', (data, isBinary) => {
      if (slow) return;
      if (closeIfSlowReader(ws, maxBuffered)) {
        slow = true;
        metrics.errors.inc({ code: 'slow-reader' });
        this.options.onSlowReader?.();
        return;
      }
      if (queued >= MAX_QUEUED_REQUESTS) {
        refuse(new ServerFault('busy', 'frame', `${queued} requests unanswered`, `send one request at a time (at most ${MAX_QUEUED_REQUESTS} may be unanswered)`));
        return;
      }
      queued++;
      const frame = data as Buffer;
      chain = chain.then(async () => {
        const t0 = performance.now();
        try {
          if (!isBinary) throw new ServerFault('bad-frame', 'frame', 'text', 'expected a binary msgpack frame');
          if (frame.length > this.options.maxFrameBytes) throw new ServerFault('frame-too-large', 'frame', `${frame.length} bytes`, `frames are limited to ${this.options.maxFrameBytes} bytes`);
          const request = decodeOpenpi(decoder, frame);
          if (request['reset'] === true) {
            const seed = request['seed'] ?? 0;
            if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw new ServerFault('bad-field', 'seed', shown(seed), 'a non-negative integer');
            session.reset(seed);
            index = 0;
            if (!this.hasObservation(request)) {
              ws.send(packOpenpi({ reset: true, step: 0 }));
              return;
            }
          }
          const observation = this.observation(request, index);
          const outcome = await session.step(observation);
          index++;
          metrics.steps.inc({ bundle: host.route });
          metrics.batchSize.observe({ bundle: host.route }, outcome.batchSize);
          const { chunk } = outcome.result;
          const inferMs = performance.now() - t0;
          const serverTiming: Record<string, number> = { infer_ms: inferMs, queue_wait_ms: outcome.queueWaitMs, batch_size: outcome.batchSize };
          if (previousTotalMs !== undefined) serverTiming['prev_total_ms'] = previousTotalMs;
          ws.send(packOpenpi({ actions: { ndarray: chunk.values, shape: [chunk.horizon, chunk.dims] }, server_timing: serverTiming, step: outcome.result.step, memory_entries: outcome.result.memory.entries }));
          previousTotalMs = performance.now() - t0;
        } catch (err) {
          refuse(err);
        } finally {
          queued--;
        }
      });
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.sockets.delete(ws);
      session.closed = true;
      host.batcher.close(session.episode);
      session = undefined as unknown as Session;
    });
  }

  private hasObservation(request: Record<string, unknown>): boolean {
    return Object.keys(this.keys).some((k) => k in request);
  }

  /** The request's observation keys, through the key map, as the bundle's Observation. */
  private observation(request: Record<string, unknown>, index: number): Observation {
    const m = this.options.host.policy.manifest;
    const cameras: CameraFrame[] = [];
    let proprio: Float32Array | undefined;
    let taskId: string | undefined;
    for (const [key, target] of Object.entries(this.keys)) {
      const value = request[key];
      if (value === undefined) throw new ServerFault('bad-field', key, 'missing', `the key map sends '${key}' to '${target}'`);
      if (target === 'task') {
        if (typeof value !== 'string') throw new ServerFault('bad-field', key, typeof value, 'the prompt must be a string (one of the bundle\'s task ids)');
        const tasks = m.observation.instruction?.tasks ?? [];
        if (!tasks.includes(value)) throw new ServerFault('bad-field', key, shown(value), `not one of the bundle's tasks (${tasks.join(', ')})`);
        taskId = value;
      } else if (target === 'proprio') {
        if (!(value instanceof NdArray)) throw new ServerFault('bad-field', key, typeof value, 'expected a numpy array');
        const names = m.observation.proprio.names;
        if (value.shape.length !== 1 || value.shape[0] !== names.length) throw new ServerFault('bad-tensor', `${key}.shape`, shown(value.shape), `expected [${names.length}] (${names.join(', ')})`);
        proprio = value.toFloat32();
        const bad = proprio.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) throw new ServerFault('non-finite', `${key}[${bad}]`, String(proprio[bad]), `proprio '${names[bad]}' must be finite`);
      } else {
        const cam = m.observation.cameras.find((c) => c.name === target)!;
        if (!(value instanceof NdArray)) throw new ServerFault('bad-field', key, typeof value, 'expected a numpy array');
        if (value.dtype !== 'uint8') throw new ServerFault('bad-tensor', `${key}.dtype`, value.dtype, 'images must be uint8 (H, W, C)');
        const want = [cam.height, cam.width, cam.channels];
        if (value.shape.length !== 3 || value.shape.some((d, i) => d !== want[i])) throw new ServerFault('bad-tensor', `${key}.shape`, shown(value.shape), `expected [${want.join(', ')}] (H, W, C)`);
        cameras.push({ name: cam.name, height: cam.height, width: cam.width, channels: cam.channels, data: value.data });
      }
    }
    return { cameras, proprio: proprio ?? new Float32Array(0), instruction: { taskId: taskId ?? m.observation.instruction?.tasks[0] ?? '', text: '' }, stampNs: Math.round(index * 1e9 / m.action.rate_hz), index };
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.handshakes.close();
    this.wss.close();
    if (this.http.listening) await new Promise<void>((done) => this.http.close(() => done()));
  }
}

function checkKeyMap(host: BundleHost, keys: OpenpiKeyMap): void {
  const m = host.policy.manifest;
  const cams = new Set(m.observation.cameras.map((c) => c.name));
  const targets = Object.values(keys);
  for (const [key, target] of Object.entries(keys)) {
    if (target !== 'proprio' && target !== 'task' && !cams.has(target)) throw new RangeError(`openpi key map: '${key}' → '${target}': not 'proprio', 'task' or a camera of '${m.name}' (${[...cams].join(', ')})`);
  }
  for (const c of cams) if (!targets.includes(c)) throw new RangeError(`openpi key map: no key for camera '${c}' of '${m.name}'`);
  if (m.observation.proprio.names.length > 0 && !targets.includes('proprio')) throw new RangeError(`openpi key map: no key for 'proprio' of '${m.name}'`);
}
