// Messages between the main thread and the inference worker. Tensors travel as transferable
// ArrayBuffers (moved, never copied by postMessage); the worker hands the input buffers back with
// the outputs so the main thread can pool them.
import type { Device, DType, Provider, TensorDecl } from './session.js';

export interface WireTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly buffer: ArrayBuffer;
  /** Bytes of `buffer` that hold the tensor (pooled buffers may be larger). */
  readonly byteLength: number;
}

export type WorkerRequest =
  | { readonly op: 'open'; readonly id: number; readonly file: string; readonly device: Device; readonly threads: number; readonly batch?: number }
  | { readonly op: 'run'; readonly id: number; readonly session: number; readonly feeds: readonly WireTensor[]; readonly fetches?: readonly string[] }
  | { readonly op: 'release'; readonly id: number; readonly session: number };

export type WorkerReply =
  | { readonly id: number; readonly ok: false; readonly message: string }
  | { readonly id: number; readonly ok: true; readonly op: 'open'; readonly session: number; readonly provider: Provider; readonly inputs: TensorDecl[]; readonly outputs: TensorDecl[]; readonly fallbackReason?: string }
  | { readonly id: number; readonly ok: true; readonly op: 'run'; readonly outputs: WireTensor[]; readonly returned: ArrayBuffer[] }
  | { readonly id: number; readonly ok: true; readonly op: 'release' };
