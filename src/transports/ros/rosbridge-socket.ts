// The WebSocket under roslib, replacing its default transport for two facts of the real servers:
// rosbridge_suite fragments topic messages with `id` 0 (roslib drops a fragment whose id is
// falsy) and a `total` that is not an integer ((len - 1) / size + 1, whose floor is the count).
// Reassembly is bounded: at most `maxPending` messages and `maxBytes` of fragments in flight.
import { AbstractTransport, type ITransportFactory, type RosbridgeMessage } from './roslib.js';
import { WebSocket } from 'ws';

export interface FragmentLimits {
  /** Messages being reassembled at once; the oldest is dropped past it. Default 8. */
  readonly maxPending?: number;
  /** Bytes of fragments held at once; the oldest message is dropped past it. Default 64 MiB. */
  readonly maxBytes?: number;
}

interface Pending {
  readonly parts: (string | undefined)[];
  received: number;
  bytes: number;
}

export class RosbridgeSocket extends AbstractTransport {
  private readonly pending = new Map<string, Pending>();
  private pendingBytes = 0;
  /** Fragmented messages given up (limits, or fragments that did not form JSON). */
  droppedFragments = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly limits: FragmentLimits = {},
  ) {
    super();
    socket.binaryType = 'arraybuffer';
    socket.onopen = (e) => this.emit('open', e);
    socket.onclose = (e) => this.emit('close', e);
    socket.onerror = (e) => this.emit('error', e);
    socket.onmessage = (e) => this.receive(e.data);
  }

  static factory(limits: FragmentLimits = {}): ITransportFactory {
    return (url) => Promise.resolve(new RosbridgeSocket(new WebSocket(url), limits));
  }

  send(message: RosbridgeMessage): void {
    // A message sent after the socket dropped would be lost anyway; ws would throw instead.
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  close(): void {
    this.socket.close();
  }

  /** Drops the connection at once (no closing handshake). */
  terminate(): void {
    this.socket.terminate();
  }

  isConnecting(): boolean {
    return this.socket.readyState === WebSocket.CONNECTING;
  }
  isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }
  isClosing(): boolean {
    return this.socket.readyState === WebSocket.CLOSING;
  }
  isClosed(): boolean {
    return this.socket.readyState === WebSocket.CLOSED;
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return this.handleRawMessage(data);
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch (err) {
      this.emit('error', new Error(`rosbridge sent a frame that is not JSON (${data.length} chars)`, { cause: err }));
      return;
    }
    if (isFragment(message)) return this.fragment(message);
    this.handleRawMessage(message);
  }

  private fragment(f: { id: unknown; data: string; num: number; total: number }): void {
    const total = Math.floor(f.total);
    if (!Number.isInteger(f.num) || f.num < 0 || f.num >= total) return;
    const key = String(f.id);
    let p = this.pending.get(key);
    if (!p) {
      p = { parts: new Array<string | undefined>(total), received: 0, bytes: 0 };
      this.pending.set(key, p);
    }
    if (p.parts[f.num] !== undefined || p.parts.length !== total) return;
    p.parts[f.num] = f.data;
    p.received++;
    p.bytes += f.data.length;
    this.pendingBytes += f.data.length;
    this.enforceLimits(key);
    if (p.received < total || !this.pending.has(key)) return;
    this.pending.delete(key);
    this.pendingBytes -= p.bytes;
    let whole: unknown;
    try {
      whole = JSON.parse(p.parts.join(''));
    } catch {
      this.droppedFragments++;
      return;
    }
    this.handleRawMessage(whole);
  }

  private enforceLimits(current: string): void {
    const maxPending = this.limits.maxPending ?? 8;
    const maxBytes = this.limits.maxBytes ?? 64 * 1024 * 1024;
    for (const [key, p] of this.pending) {
      if (this.pending.size <= maxPending && this.pendingBytes <= maxBytes) break;
      if (key === current && this.pending.size === 1 && this.pendingBytes <= maxBytes) break;
      this.pending.delete(key);
      this.pendingBytes -= p.bytes;
      this.droppedFragments++;
    }
  }
}

function isFragment(m: unknown): m is { op: 'fragment'; id: unknown; data: string; num: number; total: number } {
  if (typeof m !== 'object' || m === null) return false;
  const f = m as Record<string, unknown>;
  return f['op'] === 'fragment' && typeof f['data'] === 'string' && typeof f['num'] === 'number' && typeof f['total'] === 'number' && (typeof f['id'] === 'string' || typeof f['id'] === 'number');
}
