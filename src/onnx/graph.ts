// OnnxGraph: one ONNX graph in an onnxruntime-node session, with provider choice (cpu, webgpu,
// cuda), its declared inputs/outputs (checked against the manifest in bundle/graph-contract.ts),
// run and release.
// Created async, released once (Symbol.asyncDispose).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';

export type Device = 'auto' | 'gpu' | 'cpu';
export type Provider = 'cpu' | 'webgpu' | 'cuda';
export type DType = 'float32' | 'int64' | 'uint8' | 'int32';

export interface TensorDecl {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: ReadonlyArray<number | string>;
}

export type FeedValue = Float32Array | BigInt64Array | Uint8Array | Int32Array;
export interface Feed {
  readonly data: FeedValue;
  readonly dims: readonly number[];
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
  /** Called once with a warning when 'auto' falls back to CPU. Default: console.warn. */
  readonly warn?: (message: string) => void;
}

/** Thrown when a graph's inputs/outputs differ from their declaration. */
export class GraphMismatchError extends Error {
  override readonly name = 'GraphMismatchError';
}

const fallbackWarned = new Set<string>();

export class OnnxGraph implements AsyncDisposable {
  private released = false;

  private constructor(
    readonly file: string,
    readonly provider: Provider,
    private readonly session: ort.InferenceSession,
  ) {}

  static async create(options: OnnxGraphOptions): Promise<OnnxGraph> {
    const { file, device = 'cpu' } = options;
    if (!existsSync(file)) throw new Error(`ONNX graph not found: ${file}`);
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: options.threads ?? 1,
      interOpNumThreads: 1,
    };
    if (device === 'cpu') return new OnnxGraph(file, 'cpu', await ort.InferenceSession.create(file, { ...base, executionProviders: ['cpu'] }));
    // onnxruntime-node does not fall back by itself when a listed provider fails: try one at a time.
    const errors: string[] = [];
    for (const provider of gpuProviders()) {
      try {
        const session = await ort.InferenceSession.create(file, { ...base, executionProviders: [provider] });
        return new OnnxGraph(file, provider, session);
      } catch (err) {
        errors.push(`${provider}: ${explain(err)}`);
      }
    }
    const reason = errors.join('; ') || 'no GPU provider in this onnxruntime-node build';
    if (device === 'gpu') throw new Error(`no GPU execution provider could run it: ${reason}`);
    if (!fallbackWarned.has(reason)) {
      fallbackWarned.add(reason);
      (options.warn ?? console.warn)(`momento: --device auto: running on CPU (${reason})`);
    }
    return new OnnxGraph(file, 'cpu', await ort.InferenceSession.create(file, { ...base, executionProviders: ['cpu'] }));
  }

  get inputs(): TensorDecl[] {
    return this.session.inputMetadata.map(describe);
  }

  get outputs(): TensorDecl[] {
    return this.session.outputMetadata.map(describe);
  }

  /** Runs the graph on named feeds; returns the named outputs as typed arrays with their dims. */
  async run(feeds: Readonly<Record<string, Feed>>, outputs?: readonly string[]): Promise<Record<string, Feed>> {
    if (this.released) throw new Error(`OnnxGraph ${this.file} was released`);
    const input: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) input[name] = new ort.Tensor(feed.data, feed.dims);
    const result = outputs ? await this.session.run(input, outputs as string[]) : await this.session.run(input);
    const out: Record<string, Feed> = {};
    for (const [name, tensor] of Object.entries(result)) {
      out[name] = { data: tensor.data as FeedValue, dims: tensor.dims };
      // GPU tensors keep device buffers: data is already downloaded by session.run for CPU outputs.
    }
    return out;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}

/** onnxruntime's provider errors are source locations and assertions; say what they mean when we know. */
function explain(err: unknown): string {
  const message = (err instanceof Error ? err.message : String(err)).trim();
  if (/RequestAdapterStatus|adapter/i.test(message)) return 'no WebGPU adapter (no GPU here, or no Vulkan loader and driver)';
  return message.split('\n')[0]!;
}

function describe(meta: ort.InferenceSession.ValueMetadata): TensorDecl {
  if (!meta.isTensor) return { name: meta.name, dtype: 'float32', shape: [] };
  return { name: meta.name, dtype: meta.type as DType, shape: [...meta.shape] };
}

/** GPU providers to try, in order: CUDA only where its libraries were installed beside the binding. */
function gpuProviders(): Provider[] {
  const supported = ort.listSupportedBackends?.() ?? [];
  const has = (name: string) => supported.some((b) => b.name === name && b.bundled !== false);
  const providers: Provider[] = [];
  if (supported.some((b) => b.name === 'cuda') && cudaInstalled()) providers.push('cuda');
  if (has('webgpu')) providers.push('webgpu');
  return providers;
}

function cudaInstalled(): boolean {
  // The CUDA provider's shared library only exists when onnxruntime-node's installer fetched it.
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    return existsSync(join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}
