// The WebSocket under roslib, replacing its default transport for two facts of the real servers:
// rosbridge_suite fragments topic messages with `id` 0 (roslib drops a fragment whose id is
// falsy) and a `total` that is not an integer ((len - 1) / size + 1, whose floor is the count).
// Reassembly is bounded: at most `maxPending` messages and `maxBytes` of fragments in flight.
// What a server sends is checked before roslib routes it: only the ops momento uses pass (a `png`
// op would inflate without limit), and no name may collide with roslib's own events ('close', …).
import { AbstractTransport, type ITransportFactory, type RosbridgeMessage } from './roslib.js';
import { decode as decodeCbor } from 'cbor2';
import { WebSocket } from 'ws';

export interface FragmentLimits {
  /** Messages being reassembled at once; the oldest is dropped past it. Default 8. */
  readonly maxPending?: number;
  /** Bytes of fragments held at once; the oldest message is dropped past it. Default 64 MiB. */
  readonly maxBytes?: number;
}

/** Fragments per message at most (rosbridge's fragment_size is kilobytes: 64 Ki fragments > 64 MiB). */
export const MAX_FRAGMENTS = 65_536;

/** The ops momento's subscriptions, service calls and advertised services receive. */
const HANDLED_OPS = new Set(['publish', 'service_response', 'call_service', 'status', 'fragment']);
/** roslib routes each op by a name field; these names are its own events and must not be reachable. */
const ROUTE_FIELD: Readonly<Record<string, string>> = { publish: 'topic', call_service: 'service', service_response: 'id' };
const RESERVED_NAMES = new Set(['connection', 'close', 'error', 'status']);

/** A message from the server that momento will not hand to roslib (emitted as an 'error'). */
export class RosbridgeFrameError extends Error {
  override readonly name = 'RosbridgeFrameError';
}

const shown = (text: string, max = 64): string => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

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
    // Whatever goes wrong here is this frame's fault: report it, never throw into the socket.
    try {
      let message: unknown;
      if (typeof data === 'string') {
        try {
          message = JSON.parse(data);
        } catch (err) {
          throw new RosbridgeFrameError(`rosbridge sent a frame that is not JSON (${data.length} chars)`, { cause: err });
        }
      } else {
        // Binary frames are CBOR (the 'cbor' compression of a subscription), decoded as roslib does.
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : undefined;
        if (!bytes) throw new RosbridgeFrameError(`rosbridge sent a frame of ${typeof data}`);
        try {
          message = decodeCbor(bytes);
        } catch (err) {
          throw new RosbridgeFrameError(`rosbridge sent a binary frame that is not CBOR (${bytes.length} bytes): ${err instanceof Error ? shown(err.message, 200) : ''}`, { cause: err });
        }
      }
      this.deliver(message);
    } catch (err) {
      this.emit('error', err instanceof Error ? err : new RosbridgeFrameError(String(err)));
    }
  }

  /** Checks a decoded message and hands it to roslib (or to the reassembly of fragments). */
  private deliver(message: unknown): void {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) throw new RosbridgeFrameError(`rosbridge sent ${Array.isArray(message) ? 'a list' : typeof message}, expected a message object`);
    const op = (message as Record<string, unknown>)['op'];
    if (typeof op !== 'string') throw new RosbridgeFrameError(`rosbridge sent a message whose 'op' is ${typeof op}, expected a string`);
    if (!HANDLED_OPS.has(op)) throw new RosbridgeFrameError(`rosbridge sent op '${shown(op)}', which momento does not handle (${[...HANDLED_OPS].join(', ')})`);
    const field = ROUTE_FIELD[op];
    if (field !== undefined) {
      const name = (message as Record<string, unknown>)[field];
      if (typeof name !== 'string' || RESERVED_NAMES.has(name) || name.startsWith('status:')) {
        throw new RosbridgeFrameError(`rosbridge sent a '${op}' op whose '${field}' is ${typeof name === 'string' ? `'${shown(name)}' (reserved)` : typeof name}`);
      }
    }
    if (op === 'fragment') {
      if (!isFragment(message)) throw new RosbridgeFrameError(`rosbridge sent a fragment without a string or number id, string data, numbers num and total`);
      return this.fragment(message);
    }
    // A checked message object: roslib routes it to its topic, service or call.
    this.handleRawMessage(message);
  }

  private fragment(f: { id: unknown; data: string; num: number; total: number }): void {
    const total = Math.floor(f.total);
    if (!(total >= 1 && total <= MAX_FRAGMENTS)) throw new RosbridgeFrameError(`rosbridge sent a fragment of ${f.total} in all (1..${MAX_FRAGMENTS})`);
    if (!Number.isInteger(f.num) || f.num < 0 || f.num >= total) throw new RosbridgeFrameError(`rosbridge sent fragment ${f.num} of ${total}`);
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
    } catch (err) {
      this.droppedFragments++;
      throw new RosbridgeFrameError(`rosbridge: the ${total} fragments of message ${shown(key)} do not form JSON`, { cause: err });
    }
    this.deliver(whole);
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
