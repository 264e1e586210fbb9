// startSimServer: the WebSocket simulator. Each connection is one isolated session (ServerSession)
// speaking binary SimRequest/SimResponse frames; close() ends every session and the listener.
// What a client controls is bounded: handshake time, sessions, image size, unread replies.
import { createServer } from 'node:http';
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { DEFAULT_IMAGE_SIZE, DEFAULT_MAX_IMAGE_SIZE } from './env.js';
import { Canvas } from './canvas.js';
import { ServerSession, DEFAULT_MAX_BUFFERED_BYTES } from './server-session.js';
import { resolveParams } from './tasks/params.js';
import { taskDefinition } from './tasks/registry.js';

export interface SimServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on; default '127.0.0.1'. */
  readonly host?: string;
  /** Image side in pixels for resets that do not ask for one; default 64. */
  readonly imageSize?: number;
  /** Largest image side a reset may ask for (8..512); default 256. */
  readonly maxImageSize?: number;
  /** Sessions open at once; a connection beyond them is refused with HTTP 503. Default 256. */
  readonly maxSessions?: number;
  /** A connection that has not completed its WebSocket handshake within this many ms is dropped. Default 5000. */
  readonly handshakeTimeoutMs?: number;
  /** Reply bytes a session may leave unread before it is closed (code 4008, 'slow reader'). Default 8 MiB. */
  readonly maxBufferedBytes?: number;
  /**
   * Task parameters every reset of a task gets unless it sets them itself (`momento sim --param`),
   * by task id; checked here against each task's limits. Default none: each seed's defaults.
   */
  readonly taskParams?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** What the server refused or cut off since it started (for tests, soak runs and logs). */
export interface SimServerCounters {
  /** Connections dropped because their handshake did not complete in time. */
  readonly handshakeTimeouts: number;
  /** Connections refused because maxSessions were open. */
  readonly refusedSessions: number;
  /** Sessions closed because their unread replies exceeded maxBufferedBytes. */
  readonly slowReaders: number;
}

export interface SimServer extends AsyncDisposable {
  /** ws://host:port */
  readonly url: string;
  readonly port: number;
  /** Sessions (connections) open now. */
  readonly sessions: number;
  readonly counters: SimServerCounters;
  /** Fault injection for tests and demos: drops every connection as a network failure would; returns how many. */
  dropConnections(): number;
  /**
   * Fault injection: the `nth` request received from now on (over all sessions; 1 = the next)
   * drops its connection instead of being answered, so the client has a request in flight.
   */
  dropAtRequest(nth: number): void;
  /** Ends every session and stops listening. Idempotent. */
  close(): Promise<void>;
}

/** Largest request frame accepted; requests are a few dozen bytes. */
const MAX_REQUEST_BYTES = 64 * 1024;
export const DEFAULT_MAX_SESSIONS = 256;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;

interface Limits {
  readonly imageSize: number;
  readonly maxImageSize: number;
  readonly maxSessions: number;
  readonly handshakeTimeoutMs: number;
  readonly maxBufferedBytes: number;
  readonly taskParams: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

class WebSocketSimServer implements SimServer {
  private readonly open = new Map<WebSocket, ServerSession>();
  /** TCP connections whose handshake is still pending, with their deadline timers. */
  private readonly handshaking = new Map<Socket, NodeJS.Timeout>();
  private readonly counts = { handshakeTimeouts: 0, refusedSessions: 0, slowReaders: 0 };
  private closing: Promise<void> | undefined;
  /** Requests still to arrive before the injected drop; 0 when none is armed. */
  private dropCountdown = 0;

  constructor(
    private readonly http: HttpServer,
    private readonly wss: WebSocketServer,
    readonly url: string,
    readonly port: number,
    limits: Limits,
  ) {
    http.on('connection', (socket: Socket) => {
      const timer = setTimeout(() => {
        this.handshaking.delete(socket);
        this.counts.handshakeTimeouts++;
        socket.destroy();
      }, limits.handshakeTimeoutMs);
      this.handshaking.set(socket, timer);
      socket.once('close', () => this.handshakeDone(socket));
    });
    http.on('upgrade', (request, socket: Socket, head) => {
      this.handshakeDone(socket);
      if (this.open.size >= limits.maxSessions) {
        this.counts.refusedSessions++;
        const body = `simulator: ${limits.maxSessions} sessions open (the limit); try again later\n`;
        socket.end(`HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, limits));
    });
    // Plain HTTP requests get a short answer rather than hanging until the handshake timeout.
    http.on('request', (_request, response) => {
      response.writeHead(426, { 'Content-Type': 'text/plain' }).end('simulator: connect with a WebSocket\n');
    });
  }

  get sessions(): number {
    return this.open.size;
  }

  get counters(): SimServerCounters {
    return { ...this.counts };
  }

  dropConnections(): number {
    const count = this.open.size;
    for (const [socket, session] of this.open) {
      session.close();
      socket.terminate();
    }
    return count;
  }

  dropAtRequest(nth: number): void {
    if (!Number.isSafeInteger(nth) || nth < 1) throw new RangeError(`dropAtRequest: nth must be a positive integer, got ${nth}`);
    this.dropCountdown = nth;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      this.dropConnections();
      for (const [socket, timer] of this.handshaking) {
        clearTimeout(timer);
        socket.destroy();
      }
      this.handshaking.clear();
      this.wss.close();
      this.http.close((error) => (error ? reject(error) : resolve()));
      this.http.closeAllConnections();
    });
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private accept(socket: WebSocket, limits: Limits): void {
    const session = new ServerSession(socket, {
      imageSize: limits.imageSize,
      maxImageSize: limits.maxImageSize,
      maxBufferedBytes: limits.maxBufferedBytes,
      taskParams: limits.taskParams,
      onSlowReader: () => this.counts.slowReaders++,
      dropThisRequest: () => this.dropCountdown > 0 && --this.dropCountdown === 0,
    });
    this.open.set(socket, session);
    socket.on('close', () => {
      session.close();
      this.open.delete(socket);
    });
  }

  private handshakeDone(socket: Socket): void {
    const timer = this.handshaking.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.handshaking.delete(socket);
  }
}

/** Server-wide parameters, validated now (against seed 0's defaults) rather than at the first reset. */
function checkedTaskParams(taskParams: Readonly<Record<string, Readonly<Record<string, number>>>>): Readonly<Record<string, Readonly<Record<string, number>>>> {
  for (const [task, params] of Object.entries(taskParams)) resolveParams(task, taskDefinition(task).params, 0, params);
  return taskParams;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`startSimServer: ${name} must be a positive integer, got ${value}`);
  return value;
}

export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const host = options.host ?? '127.0.0.1';
  const maxImageSize = options.maxImageSize ?? DEFAULT_MAX_IMAGE_SIZE;
  new Canvas(maxImageSize); // throws a RangeError naming a bad size before anything listens
  const imageSize = options.imageSize ?? Math.min(DEFAULT_IMAGE_SIZE, maxImageSize);
  new Canvas(imageSize);
  if (imageSize > maxImageSize) throw new RangeError(`startSimServer: imageSize ${imageSize} exceeds maxImageSize ${maxImageSize}`);
  const limits: Limits = {
    imageSize,
    maxImageSize,
    maxSessions: positiveInt('maxSessions', options.maxSessions ?? DEFAULT_MAX_SESSIONS),
    handshakeTimeoutMs: positiveInt('handshakeTimeoutMs', options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS),
    maxBufferedBytes: positiveInt('maxBufferedBytes', options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES),
    taskParams: checkedTaskParams(options.taskParams ?? {}),
  };
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  await new Promise<void>((resolve, reject) => {
    http.once('listening', resolve);
    http.once('error', (error) => {
      http.close();
      reject(new Error(`simulator could not listen on ${host}:${options.port ?? 0}: ${error.message}`, { cause: error }));
    });
    http.listen(options.port ?? 0, host);
  });
  // Listener errors after start-up (none expected on loopback) must not crash the process.
  http.on('error', () => undefined);
  http.on('clientError', (_error, socket) => socket.destroy());
  const address = http.address();
  if (address === null || typeof address === 'string') throw new TypeError(`expected a TCP address, got ${String(address)}`);
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return new WebSocketSimServer(http, wss, `ws://${urlHost}:${address.port}`, address.port, limits);
}
