// Opening an onnxruntime-node session with the provider choice (cpu, webgpu, cuda) and describing
// its inputs and outputs. Shared by the in-process graph and the inference worker, so both choose
// providers and word their errors the same way.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { withStaticBatch } from './static-batch.js';

export type Device = 'auto' | 'gpu' | 'cpu';
export type Provider = 'cpu' | 'webgpu' | 'cuda';
export type DType = 'float32' | 'int64' | 'uint8' | 'int32';

export interface TensorDecl {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: ReadonlyArray<number | string>;
}

export interface OpenedSession {
  readonly session: ort.InferenceSession;
  readonly provider: Provider;
  /** Set when 'auto' fell back to CPU: the reason, for one warning per reason. */
  readonly fallbackReason?: string;
}

/** How a session is opened besides its device: threads, a static batch, outputs left on the device. */
export interface SessionSettings {
  readonly threads: number;
  /** Load the graph with dimension 0 fixed to this batch (static-batch.ts); undefined: as exported. */
  readonly batch?: number;
  /**
   * Outputs to leave where the provider computed them ('gpu-buffer' on WebGPU): they are only
   * passed to the next graph, never read here. Ignored on CPU (where every output is on the CPU).
   */
  readonly deviceOutputs?: readonly string[];
}

export async function openSession(file: string, device: Device, settings: SessionSettings): Promise<OpenedSession> {
  if (!existsSync(file)) throw new Error(`ONNX graph not found: ${file}`);
  const { threads, batch, deviceOutputs = [] } = settings;
  const model = batch === undefined ? undefined : withStaticBatch(file, batch);
  const base: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1 };
  const create = (options: ort.InferenceSession.SessionOptions) => (model ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(file, options));
  const cpu = async () => create({ ...base, executionProviders: ['cpu'] });
  if (device === 'cpu') return { session: await cpu(), provider: 'cpu' };
  // onnxruntime-node does not fall back by itself when a listed provider fails: try one at a time.
  const errors: string[] = [];
  for (const provider of gpuProviders()) {
    try {
      const location = provider === 'webgpu' && deviceOutputs.length > 0 ? { preferredOutputLocation: Object.fromEntries(deviceOutputs.map((n) => [n, 'gpu-buffer' as const])) } : {};
      return { session: await create({ ...base, ...location, executionProviders: [provider] }), provider };
    } catch (err) {
      errors.push(`${provider}: ${explain(err)}`);
    }
  }
  const reason = errors.join('; ') || 'no GPU provider in this onnxruntime-node build';
  if (device === 'gpu') throw new Error(`no GPU execution provider could run it: ${reason}`);
  return { session: await cpu(), provider: 'cpu', fallbackReason: reason };
}

export function describeInputs(session: ort.InferenceSession): TensorDecl[] {
  return session.inputMetadata.map(describe);
}

export function describeOutputs(session: ort.InferenceSession): TensorDecl[] {
  return session.outputMetadata.map(describe);
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
