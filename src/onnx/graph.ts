// OnnxGraph: one ONNX graph in an onnxruntime-node session, with provider choice (cpu, webgpu,
// cuda), its declared inputs/outputs (checked against the manifest in bundle/graph-contract.ts),
// run and release. The session runs
// either on the calling thread ('inline') or in the shared inference worker ('worker', see
// inference-thread.ts); callers see the same API. Created async, released once.
import ort from 'onnxruntime-node';
import { InferenceThread, type Feed, type FeedValue } from './inference-thread.js';
import { describeInputs, describeOutputs, openSession, type Device, type Provider, type TensorDecl } from './session.js';

export type { Device, DType, Provider, TensorDecl } from './session.js';
export type { Feed, FeedValue } from './inference-thread.js';

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
   * Threads for one operator on CPU. Default 1: policy graphs are small, and onnxruntime's thread
   * pool costs more than it gains on them (measured 2-5x slower per step with 2 threads, see
   * BENCHMARKS.md); concurrency comes from batching sessions instead.
   */
  readonly threads?: number;
  /** Where graph calls run (see InferenceMode). Default: defaultInferenceMode(), 'inline'. */
  readonly inference?: InferenceMode;
  /** Called once with a warning when 'auto' falls back to CPU. Default: console.warn. */
  readonly warn?: (message: string) => void;
}

const fallbackWarned = new Set<string>();

interface GraphRunner {
  run(feeds: Readonly<Record<string, Feed>>, fetches?: readonly string[]): Promise<Record<string, Feed>>;
  release(): Promise<void>;
}

function inlineRunner(session: ort.InferenceSession): GraphRunner {
  return {
    async run(feeds, fetches) {
      const input: Record<string, ort.Tensor> = {};
      for (const [name, feed] of Object.entries(feeds)) input[name] = new ort.Tensor(feed.data, feed.dims);
      const result = fetches ? await session.run(input, fetches as string[]) : await session.run(input);
      const out: Record<string, Feed> = {};
      for (const [name, tensor] of Object.entries(result)) out[name] = { data: tensor.data as FeedValue, dims: tensor.dims };
      return out;
    },
    release: () => session.release(),
  };
}

function workerRunner(thread: InferenceThread, session: number): GraphRunner {
  return {
    run: (feeds, fetches) => thread.run(session, feeds, fetches),
    async release() {
      try {
        await thread.release(session);
      } finally {
        await thread.leave();
      }
    },
  };
}

export class OnnxGraph implements AsyncDisposable {
  private released = false;

  private constructor(
    readonly file: string,
    readonly provider: Provider,
    readonly inference: InferenceMode,
    readonly inputs: TensorDecl[],
    readonly outputs: TensorDecl[],
    private readonly runner: GraphRunner,
  ) {}

  static async create(options: OnnxGraphOptions): Promise<OnnxGraph> {
    const { file, device = 'cpu' } = options;
    const threads = options.threads ?? 1;
    const mode = options.inference ?? defaultInferenceMode();
    const warnFallback = (reason: string | undefined): void => {
      if (!reason || fallbackWarned.has(reason)) return;
      fallbackWarned.add(reason);
      (options.warn ?? console.warn)(`momento: --device auto: running on CPU (${reason})`);
    };
    if (mode === 'worker') {
      const thread = InferenceThread.join();
      try {
        const remote = await thread.open(file, device, threads);
        warnFallback(remote.fallbackReason);
        return new OnnxGraph(file, remote.provider, mode, remote.inputs, remote.outputs, workerRunner(thread, remote.session));
      } catch (err) {
        await thread.leave();
        throw err;
      }
    }
    const { session, provider, fallbackReason } = await openSession(file, device, threads);
    warnFallback(fallbackReason);
    return new OnnxGraph(file, provider, mode, describeInputs(session), describeOutputs(session), inlineRunner(session));
  }

  /** Runs the graph on named feeds; returns the named outputs as typed arrays with their dims. The feeds stay the caller's. */
  async run(feeds: Readonly<Record<string, Feed>>, outputs?: readonly string[]): Promise<Record<string, Feed>> {
    if (this.released) throw new Error(`OnnxGraph ${this.file} was released`);
    return this.runner.run(feeds, outputs);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.runner.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}
