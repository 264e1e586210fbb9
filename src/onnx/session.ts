// Opening an onnxruntime-node session with the provider choice (cpu, webgpu, cuda) and describing
// its inputs and outputs. Shared by the in-process graph and the inference worker, so both choose
// providers and word their errors the same way.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { withPackedOutput } from './packed-outputs.js';
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
  /** Whether the session has the packed output of SessionSettings.pack (packed-outputs.ts). */
  readonly packed: boolean;
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
  /**
   * Outputs to read back as one (packed-outputs.ts): the model gets a PACKED_OUTPUT of them. On a
   * GPU provider only, unless `always` (tests check the packed path on CPU). Only with `batch` set.
   */
  readonly pack?: { readonly outputs: readonly string[]; readonly always: boolean };
  /**
   * onnxruntime's own profile: a JSON trace per session, written to `<profilePrefix>_<date>.json`
   * when the session is released (SessionOptions.enableProfiling). Default off.
   */
  readonly profilePrefix?: string;
}

export async function openSession(file: string, device: Device, settings: SessionSettings): Promise<OpenedSession> {
  if (!existsSync(file)) throw new Error(`ONNX graph not found: ${file}`);
  const { threads, batch, deviceOutputs = [], pack, profilePrefix } = settings;
  // The model as exported, or patched (a packed output, a static batch) per provider.
  const model = (packed: boolean): Uint8Array | undefined => {
    if (batch === undefined) return undefined;
    return withStaticBatch(file, batch, packed && pack ? withPackedOutput(new Uint8Array(readFileSync(file)), pack.outputs) : undefined);
  };
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...threadOptions(threads),
    ...(profilePrefix ? { enableProfiling: true, profileFilePrefix: profilePrefix } : {}),
  };
  const create = (bytes: Uint8Array | undefined, options: ort.InferenceSession.SessionOptions) => (bytes ? ort.InferenceSession.create(bytes, options) : ort.InferenceSession.create(file, options));
  const packOnCpu = batch !== undefined && pack !== undefined && pack.always;
  const cpu = async () => create(model(packOnCpu), { ...base, executionProviders: ['cpu'] });
  if (device === 'cpu') return { session: await cpu(), provider: 'cpu', packed: packOnCpu };
  // onnxruntime-node does not fall back by itself when a listed provider fails: try one at a time.
  const errors: string[] = [];
  const packOnGpu = batch !== undefined && pack !== undefined;
  const tuning = webgpuTuning(); // a bad MOMENTO_WEBGPU is an error, not a reason to fall back
  for (const provider of gpuProviders()) {
    try {
      // With outputs on the device, a run fetches every output (graph.ts): the packed ones then
      // stay on the device too, and only their packed copy is read back.
      const onDevice = deviceOutputs.length > 0 ? [...deviceOutputs, ...(packOnGpu ? pack.outputs : [])] : [];
      const location = provider === 'webgpu' && onDevice.length > 0 ? { preferredOutputLocation: Object.fromEntries(onDevice.map((n) => [n, 'gpu-buffer' as const])) } : {};
      const tuned = provider === 'webgpu' ? webgpuSessionOptions(tuning) : { executionProviders: [provider] };
      return { session: await create(model(packOnGpu), { ...base, ...location, ...tuned, extra: { ...base.extra, ...tuned.extra } }), provider, packed: packOnGpu };
    } catch (err) {
      errors.push(`${provider}: ${explain(err)}`);
    }
  }
  const reason = errors.join('; ') || 'no GPU provider in this onnxruntime-node build';
  if (device === 'gpu') throw new Error(`no GPU execution provider could run it: ${reason}`);
  return { session: await cpu(), provider: 'cpu', fallbackReason: reason, packed: packOnCpu };
}

/**
 * Intra-op threads, and whether idle pool threads spin. onnxruntime's default has each session's
 * pool threads spin after a run, waiting for the next parallel section; every graph and every
 * static-batch bucket has its own session and pool, so a policy's pools take turns spinning on the
 * same cores, and a host running several sessions with threads > 1 ends up oversubscribed
 * (BENCHMARKS.md, "H200 host, fourth round"). momento turns spinning off where a session has a pool
 * (threads > 1); MOMENTO_ORT_SPIN=1 restores onnxruntime's default for a whole process.
 */
export function threadOptions(threads: number, env: NodeJS.ProcessEnv = process.env): Pick<ort.InferenceSession.SessionOptions, 'intraOpNumThreads' | 'interOpNumThreads' | 'extra'> {
  const text = env['MOMENTO_ORT_SPIN'];
  if (text !== undefined && text !== '0' && text !== '1') throw new RangeError(`MOMENTO_ORT_SPIN: expected 0 or 1, got ${JSON.stringify(text)}`);
  const spin = text === '1';
  return { intraOpNumThreads: threads, interOpNumThreads: 1, ...(threads > 1 && !spin ? { extra: { 'session.intra_op.allow_spinning': '0' } } : {}) };
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

/**
 * How the WebGPU provider is driven. onnxruntime's WebGPU context is one per process (the first
 * session's settings hold for all), so this is a process setting: MOMENTO_WEBGPU, e.g.
 * `validation=disabled,pending=64`.
 * - `validation`: Dawn's and onnxruntime's checks of every dispatch (`full`, `basic`, `wgpuOnly`,
 *   `disabled`); each dispatch's CPU cost is what a small graph's run is made of (BENCHMARKS.md).
 * - `pending`: dispatches recorded before a command buffer is submitted (1-4096; onnxruntime's
 *   default 16).
 */
export interface WebgpuTuning {
  readonly validation?: 'full' | 'basic' | 'wgpuOnly' | 'disabled';
  readonly pending?: number;
}

/**
 * The defaults: onnxruntime's own (validation `basic`, 16 pending dispatches). Measured on the H200
 * host, no other setting was faster beyond the run-to-run spread (BENCHMARKS.md, "WebGPU's own settings").
 */
export const WEBGPU_DEFAULTS: WebgpuTuning = {};

const VALIDATION_MODES = ['full', 'basic', 'wgpuOnly', 'disabled'] as const;

/** Parses a MOMENTO_WEBGPU value; errors name the variable, the key and the value. */
export function parseWebgpuTuning(text: string): WebgpuTuning {
  const tuning: { validation?: WebgpuTuning['validation']; pending?: number } = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1); // 'validation=a=b' keeps 'a=b', and is refused
    if (key === 'validation') {
      if (!(VALIDATION_MODES as readonly string[]).includes(value)) throw new RangeError(`MOMENTO_WEBGPU: validation=${JSON.stringify(value)}: expected one of ${VALIDATION_MODES.join(', ')}`);
      tuning.validation = value as WebgpuTuning['validation'];
    } else if (key === 'pending') {
      if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 4096) throw new RangeError(`MOMENTO_WEBGPU: pending=${JSON.stringify(value)}: expected an integer from 1 to 4096`);
      tuning.pending = Number(value);
    } else {
      throw new RangeError(`MOMENTO_WEBGPU: unknown setting ${JSON.stringify(key)} (known: validation, pending)`);
    }
  }
  return tuning;
}

/** The process's WebGPU settings: the defaults, overridden by MOMENTO_WEBGPU. */
export function webgpuTuning(env: NodeJS.ProcessEnv = process.env): WebgpuTuning {
  const text = env['MOMENTO_WEBGPU'];
  return { ...WEBGPU_DEFAULTS, ...(text === undefined ? {} : parseWebgpuTuning(text)) };
}

/** Session options that apply a tuning to onnxruntime-node's WebGPU provider. */
export function webgpuSessionOptions(tuning: WebgpuTuning): Pick<ort.InferenceSession.SessionOptions, 'executionProviders' | 'extra'> {
  const ep: ort.InferenceSession.WebGpuExecutionProviderOption = { name: 'webgpu', ...(tuning.validation ? { validationMode: tuning.validation } : {}) };
  return {
    executionProviders: [ep],
    ...(tuning.pending !== undefined ? { extra: { 'ep.webgpuexecutionprovider.maxNumPendingDispatches': String(tuning.pending) } } : {}),
  };
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
