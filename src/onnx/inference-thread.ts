// The main thread's side of the inference worker: starts the worker thread, sends it graph calls
// with their tensors moved as transferable buffers (copied once into pooled buffers, so callers
// keep their arrays), and resolves each call with its outputs. One worker serves every graph of
// the process; it is started on first use and stopped when the last graph is released.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Device, DType, Provider, TensorDecl } from './session.js';
import type { WireTensor, WorkerReply, WorkerRequest } from './worker-protocol.js';

export type FeedValue = Float32Array | BigInt64Array | Uint8Array | Int32Array;
export interface Feed {
  readonly data: FeedValue;
  readonly dims: readonly number[];
}

/** Reusable ArrayBuffers by byte size, bounded in count per size and in total bytes. */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private bytes = 0;
  /** Buffers handed out again instead of allocated (for tests and statistics). */
  reused = 0;

  constructor(
    private readonly perSize = 16,
    private readonly maxBytes = 64 * 2 ** 20,
  ) {}

  take(byteLength: number): ArrayBuffer {
    const list = this.free.get(byteLength);
    const buffer = list?.pop();
    if (buffer) {
      this.bytes -= byteLength;
      this.reused++;
      return buffer;
    }
    return new ArrayBuffer(byteLength);
  }

  give(buffer: ArrayBuffer): void {
    const n = buffer.byteLength;
    if (n === 0) return;
    const list = this.free.get(n) ?? [];
    if (list.length >= this.perSize || this.bytes + n > this.maxBytes) return;
    list.push(buffer);
    this.free.set(n, list);
    this.bytes += n;
  }

  get pooledBytes(): number {
    return this.bytes;
  }
}

export interface RemoteSession {
  readonly session: number;
  readonly provider: Provider;
  readonly inputs: TensorDecl[];
  readonly outputs: TensorDecl[];
  readonly fallbackReason?: string;
}

function dtypeOf(data: FeedValue): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

function typed(t: WireTensor): FeedValue {
  switch (t.dtype) {
    case 'float32':
      return new Float32Array(t.buffer, 0, t.byteLength / 4);
    case 'int64':
      return new BigInt64Array(t.buffer, 0, t.byteLength / 8);
    case 'int32':
      return new Int32Array(t.buffer, 0, t.byteLength / 4);
    case 'uint8':
      return new Uint8Array(t.buffer, 0, t.byteLength);
  }
}

/** Where the worker's entry lives: the compiled .js beside this file, or the .ts source under tsx/vitest. */
function startWorker(): Worker {
  const self = new URL(import.meta.url);
  if (self.pathname.endsWith('.ts')) {
    // Running from source (vitest, tsx): load the TypeScript entry through tsx's loader.
    const entry = new URL('./inference-worker.ts', self).href;
    const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
    const api = pathToFileURL(join(tsx, 'dist', 'esm', 'api', 'index.mjs')).href;
    return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
  }
  return new Worker(new URL('./inference-worker.js', self));
}

export class InferenceThread {
  private static sharedThread: InferenceThread | undefined;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private users = 0;
  private failure: Error | undefined;
  readonly pool = new BufferPool();

  private constructor() {
    this.worker = startWorker();
    // An idle worker must not keep the process alive; pending calls hold it (see call()).
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`inference worker exited with code ${code}`)));
  }

  /** The process-wide worker; each user calls `leave()` once when done. */
  static join(): InferenceThread {
    const thread = InferenceThread.sharedThread && !InferenceThread.sharedThread.failure ? InferenceThread.sharedThread : new InferenceThread();
    InferenceThread.sharedThread = thread;
    thread.users++;
    return thread;
  }

  async leave(): Promise<void> {
    this.users--;
    if (this.users > 0) return;
    if (InferenceThread.sharedThread === this) InferenceThread.sharedThread = undefined;
    this.failure ??= new Error('inference worker stopped');
    await this.worker.terminate();
  }

  /** Opens a session in the worker (`batch`: with a static batch dimension, see static-batch.ts). */
  async open(file: string, device: Device, threads: number, batch?: number): Promise<RemoteSession> {
    const reply = await this.call({ op: 'open', id: this.nextId++, file, device, threads, ...(batch === undefined ? {} : { batch }) });
    if (reply.ok && reply.op === 'open') return reply;
    throw new Error('inference worker: unexpected reply to open');
  }

  async run(session: number, feeds: Readonly<Record<string, Feed>>, fetches?: readonly string[]): Promise<Record<string, Feed>> {
    const wire: WireTensor[] = [];
    for (const [name, feed] of Object.entries(feeds)) {
      const byteLength = feed.data.byteLength;
      const buffer = this.pool.take(byteLength);
      new Uint8Array(buffer).set(new Uint8Array(feed.data.buffer, feed.data.byteOffset, byteLength));
      wire.push({ name, dtype: dtypeOf(feed.data), dims: [...feed.dims], buffer, byteLength });
    }
    const reply = await this.call({ op: 'run', id: this.nextId++, session, feeds: wire, ...(fetches ? { fetches } : {}) }, wire.map((t) => t.buffer));
    if (!reply.ok || reply.op !== 'run') throw new Error('inference worker: unexpected reply to run');
    for (const b of reply.returned) this.pool.give(b);
    const out: Record<string, Feed> = {};
    for (const t of reply.outputs) out[t.name] = { data: typed(t), dims: t.dims };
    return out;
  }

  async release(session: number): Promise<void> {
    if (this.failure) return;
    await this.call({ op: 'release', id: this.nextId++, session });
  }

  private call(req: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<WorkerReply>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(req.id, { resolve, reject });
      this.worker.postMessage(req, transfer);
    }).then((reply) => {
      if (!reply.ok) throw new Error(reply.message);
      return reply;
    });
  }

  private settle(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    p.resolve(reply);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}
