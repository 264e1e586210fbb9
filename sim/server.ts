// startSimServer: the WebSocket simulator. Each connection is one isolated session (ServerSession)
// speaking binary SimRequest/SimResponse frames; close() ends every session and the listener.
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { DEFAULT_IMAGE_SIZE } from './env.js';
import { Canvas } from './canvas.js';
import { ServerSession } from './server-session.js';

export interface SimServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Interface to listen on; default '127.0.0.1'. */
  readonly host?: string;
  /** Image side in pixels for resets that do not ask for one; default 64. */
  readonly imageSize?: number;
}

export interface SimServer extends AsyncDisposable {
  /** ws://host:port */
  readonly url: string;
  readonly port: number;
  /** Sessions (connections) open now. */
  readonly sessions: number;
  /** Fault injection for tests and demos: drops every connection as a network failure would; returns how many. */
  dropConnections(): number;
  /** Ends every session and stops listening. Idempotent. */
  close(): Promise<void>;
}

/** Largest request frame accepted; requests are a few dozen bytes. */
const MAX_REQUEST_BYTES = 64 * 1024;

class WebSocketSimServer implements SimServer {
  private readonly open = new Map<WebSocket, ServerSession>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
    readonly port: number,
    imageSize: number,
  ) {
    wss.on('connection', (socket) => {
      const session = new ServerSession(socket, { imageSize });
      this.open.set(socket, session);
      socket.on('close', () => {
        session.close();
        this.open.delete(socket);
      });
    });
  }

  get sessions(): number {
    return this.open.size;
  }

  dropConnections(): number {
    const count = this.open.size;
    for (const [socket, session] of this.open) {
      session.close();
      socket.terminate();
    }
    return count;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve, reject) => {
      this.dropConnections();
      this.wss.close((error) => (error ? reject(error) : resolve()));
    });
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const host = options.host ?? '127.0.0.1';
  const imageSize = options.imageSize ?? DEFAULT_IMAGE_SIZE;
  new Canvas(imageSize); // throws a RangeError naming a bad size before anything listens
  const wss = new WebSocketServer({ host, port: options.port ?? 0, maxPayload: MAX_REQUEST_BYTES });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', (error) => {
      wss.close();
      reject(new Error(`simulator could not listen on ${host}:${options.port ?? 0}: ${error.message}`, { cause: error }));
    });
  });
  // Listener errors after start-up (none expected on loopback) must not crash the process.
  wss.on('error', () => undefined);
  const address = wss.address();
  if (address === null || typeof address === 'string') throw new TypeError(`expected a TCP address, got ${String(address)}`);
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return new WebSocketSimServer(wss, `ws://${urlHost}:${address.port}`, address.port, imageSize);
}
