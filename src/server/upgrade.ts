// HTTP helpers of the server's listeners: the token check at the WebSocket upgrade, refusing an
// upgrade with a status, listening with errors as rejections, and the bounds a client must not
// escape: a deadline for the handshake and a limit on replies it leaves unread.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** The bearer token check of an upgrade request (constant time in the token's length). */
export function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const header = req.headers.authorization ?? '';
  const match = /^(?:Bearer|Api-Key)\s+(.+)$/i.exec(header);
  if (!match) return false;
  const a = Buffer.from(match[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's path, or undefined when its target does not parse (`//[`, a bad percent escape). */
export function pathOf(req: IncomingMessage): string | undefined {
  try {
    return decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return undefined;
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 503: 'Service Unavailable' };

export function reject(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      done();
    });
  });
}

/**
 * Drops TCP connections that have not upgraded (or sent a plain HTTP request) within `timeoutMs`:
 * half-open handshakes would otherwise hold a socket each for as long as the client likes.
 */
export class HandshakeGuard {
  private readonly pending = new Map<Duplex, NodeJS.Timeout>();
  timeouts = 0;

  constructor(
    server: Server,
    private readonly timeoutMs: number,
  ) {
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) throw new RangeError(`handshakeTimeoutMs must be a positive integer, got ${timeoutMs}`);
    server.on('connection', (socket: Duplex) => {
      const timer = setTimeout(() => {
        this.pending.delete(socket);
        this.timeouts++;
        socket.destroy();
      }, this.timeoutMs);
      this.pending.set(socket, timer);
      socket.once('close', () => this.done(socket));
    });
    server.on('request', (req: IncomingMessage) => this.done(req.socket));
  }

  /** The connection upgraded or asked its request: no deadline any more. */
  done(socket: Duplex): void {
    const timer = this.pending.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.pending.delete(socket);
  }

  close(): void {
    for (const [socket, timer] of this.pending) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.pending.clear();
  }
}

/** WebSocket close code for a client whose replies pile up unread (policy violation). */
export const SLOW_READER_CLOSE_CODE = 1008;

/**
 * Closes `ws` when more than `maxBytes` of replies wait unread (a client that sends without
 * reading), so that the server stops producing for it; returns whether it did. The close frame
 * waits behind the unread replies, so the socket is terminated a second later regardless.
 */
export function closeIfSlowReader(ws: { bufferedAmount: number; close(code: number, reason: string): void; terminate(): void }, maxBytes: number): boolean {
  const unread = ws.bufferedAmount;
  if (unread <= maxBytes) return false;
  ws.close(SLOW_READER_CLOSE_CODE, `slow reader: ${unread} bytes of replies unread (limit ${maxBytes})`);
  setTimeout(() => ws.terminate(), 1000).unref();
  return true;
}
