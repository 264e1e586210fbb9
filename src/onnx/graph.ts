// OnnxGraph: one ONNX graph in an onnxruntime-node session, with provider choice (cpu, webgpu,
// cuda), its declared inputs/outputs (checked against the manifest in bundle/graph-contract.ts),
// run and release. The session runs
// either on the calling thread ('inline') or in the shared inference worker ('worker', see
// inference-thread.ts); callers see the same API. Created async, released once.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { InferenceThread, type Feed, type FeedValue } from './inference-thread.js';
import { PACKED_OUTPUT, packLayout, packProblem, splitPacked, type PackLayout } from './packed-outputs.js';
import { runObserver, type RunOutput } from './run-observer.js';
import { describeInputs, describeOutputs, openSession, type Device, type Provider, type TensorDecl } from './session.js';
import { bucketFor, threadsForBatch } from './static-batch.js';

export type { Device, DType, Provider, TensorDecl } from './session.js';
export type { Feed, FeedValue } from './inference-thread.js';
export { BATCH_BUCKETS, bucketFor, threadsForBatch } from './static-batch.js';

/**
 * Where graph calls run. 'inline': on the calling thread (onnxruntime-node runs a session
 * synchronously, so the event loop waits for every call). 'worker': in the process's inference
 * worker thread, so the event loop stays free while a graph runs (each call pays a hop of tens
 * of microseconds to copy and move its tensors; see BENCHMARKS.md "server").
 */
export type InferenceMode = 'inline' | 'worker';

/**
 * The default mode. 'inline': measured on the 2-core CPU machine with the ~1 MB reference
 * bundles, the worker hop costs more than it saves for one in-process episode (BENCHMARKS.md
 * "server"); the policy server and anything that must keep its event loop free ask for 'worker'.
 * `MOMENTO_INFERENCE=worker|inline` overrides it for a whole process.
 */
export function defaultInferenceMode(): InferenceMode {
  const env = process.env['MOMENTO_INFERENCE'];
  if (env === 'worker' || env === 'inline') return env;
  if (env) throw new RangeError(`MOMENTO_INFERENCE: expected 'inline' or 'worker', got '${env}'`);
  return 'inline';
}

export interface OnnxGraphOptions {
  /** Path of the .onnx file. */
  readonly file: string;
  /** Where to run: 'cpu'; 'gpu' (webgpu, or cuda where its libraries are present); 'auto' tries gpu then cpu. Default 'cpu'. */
  readonly device?: Device;
  /**
   * Threads for one operator on CPU. Default: by batch size (threadsForBatch: 1 below B = 16,
   * min(4, half the cores) from 16) for the bucket sessions, 1 for the dynamic one. Policy graphs are small,
   * and onnxruntime's thread pool costs more than it gains on small batches (BENCHMARKS.md).
   */
  readonly threads?: number;
  /** Where graph calls run (see InferenceMode). Default: defaultInferenceMode(), 'inline'. */
  readonly inference?: InferenceMode;
  /**
   * Static batch buckets (static-batch.ts): a batch of B ≤ 64 rows runs in a session loaded with
   * dimension 0 fixed to the next bucket (1, 2, 4, 8, 16, 32, 64; created on first use), padded
   * with copies of row 0 and the padded rows dropped from the outputs. Larger batches run in the
   * graph as exported. Default true.
   */
  readonly buckets?: boolean;
  /**
   * Outputs that are only passed to another graph, never read on this thread: returned as
   * `ResidentValue`s (onnxruntime tensors left where they were computed: GPU memory on WebGPU, so
   * no read-back; a CPU tensor on CPU). Inline mode only: in worker mode every output comes back
   * as a Feed, since a GPU buffer cannot cross threads.
   */
  readonly deviceOutputs?: readonly string[];
  /**
   * Outputs the caller reads back, to be read as one (packed-outputs.ts: a Concat output added to
   * the bucket sessions' model; each run fetches it once and returns these outputs as views of
   * it, bit-identical). On a GPU provider only (where each read-back costs ~0.6 ms), unless
   * `packOn` is 'always'. Ignored (the outputs are read one by one) where they cannot be packed:
   * fewer than two, not float32, a symbolic dimension past the batch, worker mode. Default none.
   */
  readonly packOutputs?: readonly string[];
  /** Where packOutputs applies: 'gpu' (default) or 'always' (tests check the packed path on CPU). */
  readonly packOn?: 'gpu' | 'always';
  /** onnxruntime's profile of every session of this graph, to `<prefix>-b<batch>_<date>.json` when released (SessionSettings.profilePrefix). */
  readonly profilePrefix?: string;
  /** Called once with a warning when 'auto' falls back to CPU. Default: console.warn. */
  readonly warn?: (message: string) => void;
}

/**
 * An output left where the provider computed it (see OnnxGraphOptions.deviceOutputs): it can be
 * fed to another graph of the same provider, and must never be read here (reading a GPU-located
 * tensor's data aborts the process in onnxruntime-node 1.30). Released with `releaseResident`.
 */
export interface ResidentValue {
  readonly resident: ort.Tensor;
  readonly dims: readonly number[];
}

/** What a graph takes and returns: tensors on the CPU (Feed) or left on the device (ResidentValue). */
export type GraphValue = Feed | ResidentValue;

export function isResident(value: GraphValue): value is ResidentValue {
  return 'resident' in value;
}

/** Frees the device memory of a resident value (a no-op for CPU tensors, whose memory is the GC's). */
export function releaseResident(value: ResidentValue): void {
  if (value.resident.location !== 'cpu') value.resident.dispose();
}

const fallbackWarned = new Set<string>();

interface GraphRunner {
  run(feeds: Readonly<Record<string, GraphValue>>, fetches?: readonly string[]): Promise<Record<string, GraphValue>>;
  release(): Promise<void>;
}

/**
 * `fetchAll`: the session has per-output locations (WebGPU with device outputs), and
 * onnxruntime-node then refuses a run that fetches a subset of the outputs ("Output count
 * mismatch", seen on the H200): such a run fetches every output and drops those not asked for
 * (disposing the device-located ones unread).
 */
function inlineRunner(file: string, session: ort.InferenceSession, deviceOutputs: ReadonlySet<string>, fetchAll: boolean, layout: PackLayout | undefined, profiling: boolean): GraphRunner {
  const packedNames = new Set(layout?.outputs.map((o) => o.name));
  // Without a packed output, a run without fetches returns every output; with one, every output but the packed ones' copy.
  const declared = session.outputNames.filter((n) => n !== PACKED_OUTPUT);
  return {
    async run(feeds, fetches) {
      const observe = runObserver();
      const t0 = observe ? performance.now() : 0;
      const input: Record<string, ort.Tensor> = {};
      for (const [name, feed] of Object.entries(feeds)) input[name] = isResident(feed) ? feed.resident : new ort.Tensor(feed.data, feed.dims);
      const want = fetches ?? (layout ? declared : undefined);
      const fromPacked = layout && want ? want.filter((n) => packedNames.has(n)) : [];
      const fetchList = fromPacked.length > 0 ? [...want!.filter((n) => !packedNames.has(n)), PACKED_OUTPUT] : want;
      const t1 = observe ? performance.now() : 0;
      const result = fetchList && !fetchAll ? await session.run(input, fetchList as string[]) : await session.run(input);
      const t2 = observe ? performance.now() : 0;
      const wanted = want ? new Set(want) : undefined;
      const out: Record<string, GraphValue> = {};
      const returned: RunOutput[] = [];
      for (const [name, tensor] of Object.entries(result)) {
        if (observe) returned.push({ name, location: tensor.location, bytes: tensor.location === 'cpu' ? (tensor.data as FeedValue).byteLength : 0 });
        if (name === PACKED_OUTPUT) {
          if (fromPacked.length > 0) {
            const parts = splitPacked({ data: tensor.data as FeedValue, dims: tensor.dims }, layout!, input[Object.keys(input)[0]!]!.dims[0]!);
            for (const n of fromPacked) out[n] = parts[n]!;
          }
          continue;
        }
        // Not asked for, or returned through the packed copy: dropped (freed unread when on the device).
        if ((wanted && !wanted.has(name)) || (fromPacked.length > 0 && packedNames.has(name))) {
          if (tensor.location !== 'cpu') tensor.dispose();
          continue;
        }
        // Never touch `.data` of an output left on the device.
        out[name] = deviceOutputs.has(name) ? { resident: tensor, dims: tensor.dims } : { data: tensor.data as FeedValue, dims: tensor.dims };
      }
      if (observe) {
        const rows = Object.values(input)[0]?.dims[0] ?? 0;
        observe({ file, rows, inputMs: t1 - t0, runMs: t2 - t1, outputMs: performance.now() - t2, outputs: returned, packed: fromPacked.length > 0 });
      }
      return out;
    },
    release: async () => {
      try {
        // The node binding writes the trace on endProfiling (release alone may not).
        if (profiling) session.endProfiling();
      } finally {
        await session.release();
      }
    },
  };
}

function workerRunner(thread: InferenceThread, session: number): GraphRunner {
  return {
    run: (feeds, fetches) => {
      const cpu: Record<string, Feed> = {};
      for (const [name, feed] of Object.entries(feeds)) {
        if (isResident(feed)) throw new Error(`input '${name}': a device-resident tensor cannot be sent to the inference worker`);
        cpu[name] = feed;
      }
      return thread.run(session, cpu, fetches);
    },
    async release() {
      try {
        await thread.release(session);
      } finally {
        await thread.leave();
      }
    },
  };
}

interface Opened {
  readonly runner: GraphRunner;
  readonly provider: Provider;
  readonly inputs: TensorDecl[];
  readonly outputs: TensorDecl[];
  readonly fallbackReason?: string;
}

/** How openRunner opens a session besides device, mode, threads and batch. */
interface RunnerSettings {
  readonly deviceOutputs: ReadonlySet<string>;
  /** Outputs to pack (already checked with packProblem), and whether on CPU too. */
  readonly pack?: { readonly outputs: readonly string[]; readonly always: boolean };
  readonly profilePrefix?: string;
}

async function openRunner(file: string, device: Device, mode: InferenceMode, threads: number, batch: number | undefined, settings: RunnerSettings): Promise<Opened> {
  const { deviceOutputs, pack, profilePrefix } = settings;
  if (mode === 'worker') {
    const thread = InferenceThread.join();
    try {
      const remote = await thread.open(file, device, threads, batch);
      return { runner: workerRunner(thread, remote.session), provider: remote.provider, inputs: remote.inputs, outputs: remote.outputs, ...(remote.fallbackReason ? { fallbackReason: remote.fallbackReason } : {}) };
    } catch (err) {
      await thread.leave();
      throw err;
    }
  }
  const prefix = profilePrefix === undefined ? undefined : `${profilePrefix}-b${batch ?? 'dynamic'}`;
  const { session, provider, fallbackReason, packed } = await openSession(file, device, { threads, ...(batch === undefined ? {} : { batch }), deviceOutputs: [...deviceOutputs], ...(pack ? { pack } : {}), ...(prefix ? { profilePrefix: prefix } : {}) });
  const outputs = describeOutputs(session).filter((o) => o.name !== PACKED_OUTPUT);
  const layout = packed && pack ? packLayout(outputs, pack.outputs) : undefined;
  const runner = inlineRunner(file, session, deviceOutputs, provider === 'webgpu' && deviceOutputs.size > 0, layout, prefix !== undefined);
  return { runner, provider, inputs: describeInputs(session), outputs, ...(fallbackReason ? { fallbackReason } : {}) };
}

export class OnnxGraph implements AsyncDisposable {
  private released = false;
  /** Bucket sessions by batch size, opened on first use. */
  private readonly bucketRunners = new Map<number, Promise<GraphRunner>>();
  /** The bucket sessions already open: a run takes them without awaiting a promise (one per run otherwise). */
  private readonly readyRunners = new Map<number, GraphRunner>();
  /** Set when a bucket session could not be made (e.g. an input with a fixed dimension 0): run as exported. */
  private bucketsFailed = false;

  private constructor(
    readonly file: string,
    readonly provider: Provider,
    readonly inference: InferenceMode,
    readonly inputs: TensorDecl[],
    readonly outputs: TensorDecl[],
    private readonly runner: GraphRunner,
    private readonly options: OnnxGraphOptions,
    /** Outputs returned as ResidentValues (inline mode). */
    readonly deviceOutputs: ReadonlySet<string>,
  ) {}

  static async create(options: OnnxGraphOptions): Promise<OnnxGraph> {
    const { file, device = 'cpu' } = options;
    const mode = options.inference ?? defaultInferenceMode();
    const deviceOutputs = new Set(mode === 'inline' ? (options.deviceOutputs ?? []) : []);
    const opened = await openRunner(file, device, mode, options.threads ?? 1, undefined, { deviceOutputs, ...(options.profilePrefix ? { profilePrefix: options.profilePrefix } : {}) });
    if (opened.fallbackReason && !fallbackWarned.has(opened.fallbackReason)) {
      fallbackWarned.add(opened.fallbackReason);
      (options.warn ?? console.warn)(`momento: --device auto: running on CPU (${opened.fallbackReason})`);
    }
    return new OnnxGraph(file, opened.provider, mode, opened.inputs, opened.outputs, opened.runner, options, deviceOutputs);
  }

  /** The batch a step of `rows` rows runs at: the next bucket up to 64, else `rows` itself. */
  runBatch(rows: number): number {
    if (this.options.buckets === false || this.bucketsFailed) return rows;
    return bucketFor(rows) ?? rows;
  }

  /** Runs the graph on named feeds; returns the named outputs as typed arrays with their dims. The feeds stay the caller's. */
  async run(feeds: Readonly<Record<string, GraphValue>>, outputs?: readonly string[]): Promise<Record<string, Feed>> {
    const out = await this.runValues(feeds, outputs);
    const cpu: Record<string, Feed> = {};
    for (const [name, value] of Object.entries(out)) {
      if (isResident(value)) throw new Error(`OnnxGraph ${this.file}: output '${name}' is device-resident; use runValues`);
      cpu[name] = value;
    }
    return cpu;
  }

  /**
   * Runs the graph on named feeds (all of one batch size); returns the named outputs, as typed
   * arrays with their dims or, for `deviceOutputs`, left on the device. The feeds stay the caller's.
   */
  async runValues(feeds: Readonly<Record<string, GraphValue>>, outputs?: readonly string[]): Promise<Record<string, GraphValue>> {
    if (this.released) throw new Error(`OnnxGraph ${this.file} was released`);
    const rows = Object.values(feeds)[0]?.dims[0];
    const bucket = rows === undefined || this.options.buckets === false || this.bucketsFailed ? undefined : bucketFor(rows);
    const runner = bucket === undefined ? undefined : (this.readyRunners.get(bucket) ?? (await this.bucket(bucket)));
    if (rows === undefined || bucket === undefined || !runner) return this.runner.run(feeds, outputs);
    if (bucket === rows) return runner.run(feeds, outputs);
    return dropPadding(await runner.run(padFeeds(feeds, rows, bucket), outputs), rows);
  }

  private bucket(batch: number): Promise<GraphRunner | undefined> {
    let runner = this.bucketRunners.get(batch);
    if (!runner) {
      const device: Device = this.provider === 'cpu' ? 'cpu' : 'gpu';
      const threads = this.threadsFor(batch);
      const pack = this.packing;
      runner = openRunner(this.file, device, this.inference, threads, batch, {
        deviceOutputs: this.deviceOutputs,
        ...(pack ? { pack } : {}),
        ...(this.options.profilePrefix ? { profilePrefix: this.options.profilePrefix } : {}),
      }).then((o) => {
        this.readyRunners.set(batch, o.runner);
        return o.runner;
      });
      this.bucketRunners.set(batch, runner);
    }
    return runner.catch((err: unknown) => {
      // The graph as exported still runs every batch: warn once and stop trying buckets.
      if (!this.bucketsFailed) (this.options.warn ?? console.warn)(`momento: ${this.file}: static batch buckets off (${err instanceof Error ? err.message : String(err)})`);
      this.bucketsFailed = true;
      return undefined;
    });
  }

  /** The outputs the bucket sessions pack (OnnxGraphOptions.packOutputs), when they can be. */
  private get packing(): { outputs: readonly string[]; always: boolean } | undefined {
    const outputs = (this.options.packOutputs ?? []).filter((n) => !this.deviceOutputs.has(n));
    if (this.inference !== 'inline' || packProblem(this.outputs, outputs) !== undefined) return undefined;
    return { outputs, always: this.options.packOn === 'always' };
  }

  /** Whether runs at a bucket size read the packed outputs as one (for tests and the profile). */
  get packs(): boolean {
    return this.packing !== undefined && (this.provider !== 'cpu' || this.options.packOn === 'always');
  }

  /** Intra-op threads of the session for batches of `batch` rows: the `threads` option, else by batch size. */
  threadsFor(batch: number, cores = availableParallelism()): number {
    return this.options.threads ?? threadsForBatch(batch, cores);
  }

  /** Batch sizes whose bucket session is open (for tests and statistics). */
  get openBuckets(): number[] {
    return [...this.bucketRunners.keys()].sort((a, b) => a - b);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const buckets = await Promise.allSettled(this.bucketRunners.values());
    await Promise.all([this.runner.release(), ...buckets.map((b) => (b.status === 'fulfilled' ? b.value.release() : undefined))]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}

/** The feeds grown from `rows` to `bucket` rows, each padded row a copy of row 0. */
function padFeeds(feeds: Readonly<Record<string, GraphValue>>, rows: number, bucket: number): Record<string, Feed> {
  const out: Record<string, Feed> = {};
  for (const [name, feed] of Object.entries(feeds)) {
    if (isResident(feed)) throw new Error(`input '${name}': a device-resident tensor of ${rows} rows cannot be padded to ${bucket}; pad the batch before the first graph`);
    out[name] = padRows(feed, rows, bucket);
  }
  return out;
}

/** `feed` ([rows, ...]) as [bucket, ...], rows `rows..bucket-1` copies of row 0. */
export function padRows(feed: Feed, rows: number, bucket: number): Feed {
  const per = rows === 0 ? 0 : feed.data.length / rows;
  const Ctor = feed.data.constructor as new (n: number) => FeedValue;
  const data = new Ctor(bucket * per);
  (data as Float32Array).set(feed.data as Float32Array);
  for (let r = rows; r < bucket; r++) data.copyWithin(r * per, 0, per);
  return { data, dims: [bucket, ...feed.dims.slice(1)] };
}

function dropPadding(out: Record<string, GraphValue>, rows: number): Record<string, GraphValue> {
  const kept: Record<string, GraphValue> = {};
  for (const [name, value] of Object.entries(out)) {
    if (isResident(value)) throw new Error(`output '${name}': a device-resident output cannot drop padded rows`);
    const per = value.dims[0] ? value.data.length / value.dims[0] : 0;
    kept[name] = { data: value.data.subarray(0, rows * per), dims: [rows, ...value.dims.slice(1)] };
  }
  return kept;
}
