// The inference worker: a worker thread that owns onnxruntime sessions and runs them, so that a
// graph call (synchronous on its thread inside onnxruntime-node) never blocks the main event loop.
// Requests are served in arrival order; one worker runs one graph at a time.
import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { describeInputs, describeOutputs, openSession, type DType } from './session.js';
import type { WireTensor, WorkerReply, WorkerRequest } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');

const sessions = new Map<number, ort.InferenceSession>();
let nextSession = 1;

function view(t: WireTensor): ort.Tensor {
  const n = t.byteLength;
  switch (t.dtype) {
    case 'float32':
      return new ort.Tensor('float32', new Float32Array(t.buffer, 0, n / 4), t.dims);
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(t.buffer, 0, n / 8), t.dims);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(t.buffer, 0, n / 4), t.dims);
    case 'uint8':
      return new ort.Tensor('uint8', new Uint8Array(t.buffer, 0, n), t.dims);
  }
}

async function serve(req: WorkerRequest): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  switch (req.op) {
    case 'open': {
      const { session, provider, fallbackReason } = await openSession(req.file, req.device, { threads: req.threads, ...(req.batch === undefined ? {} : { batch: req.batch }) });
      const id = nextSession++;
      sessions.set(id, session);
      const reply: WorkerReply = { id: req.id, ok: true, op: 'open', session: id, provider, inputs: describeInputs(session), outputs: describeOutputs(session), ...(fallbackReason ? { fallbackReason } : {}) };
      return { reply, transfer: [] };
    }
    case 'run': {
      const session = sessions.get(req.session);
      if (!session) throw new Error(`inference worker: no session ${req.session} (released?)`);
      const feeds: Record<string, ort.Tensor> = {};
      for (const t of req.feeds) feeds[t.name] = view(t);
      const result = req.fetches ? await session.run(feeds, req.fetches as string[]) : await session.run(feeds);
      const outputs: WireTensor[] = [];
      const transfer: ArrayBuffer[] = req.feeds.map((t) => t.buffer);
      const moved = new Set<ArrayBufferLike>(transfer);
      for (const [name, tensor] of Object.entries(result)) {
        const data = tensor.data as Float32Array | BigInt64Array | Int32Array | Uint8Array;
        // An output that owns its whole buffer moves; a view into a larger one is copied out.
        const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer && !moved.has(data.buffer);
        const buffer = whole ? (data.buffer as ArrayBuffer) : (data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
        outputs.push({ name, dtype: tensor.type as DType, dims: tensor.dims, buffer, byteLength: data.byteLength });
        transfer.push(buffer);
        moved.add(buffer);
      }
      return { reply: { id: req.id, ok: true, op: 'run', outputs, returned: req.feeds.map((t) => t.buffer) }, transfer };
    }
    case 'release': {
      const session = sessions.get(req.session);
      sessions.delete(req.session);
      await session?.release();
      return { reply: { id: req.id, ok: true, op: 'release' }, transfer: [] };
    }
  }
}

// One request at a time, in order: onnxruntime runs synchronously on this thread anyway, and the
// order keeps the replies of one episode's graphs in sequence.
let chain: Promise<void> = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  chain = chain.then(async () => {
    try {
      const { reply, transfer } = await serve(req);
      port.postMessage(reply, transfer);
    } catch (err) {
      const reply: WorkerReply = { id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) };
      port.postMessage(reply);
    }
  });
});
