// momento's public API: `import { Policy, loadBundle, ... } from 'momento'`. Everything a program
// needs to load a bundle, step episodes (alone or batched), snapshot and restore their memory,
// schedule actions, record and replay episodes, and talk to the simulator. Anything not exported
// here is internal and may change.
import { Policy, type PolicyOptions } from './policy/policy.js';

export { Policy, type BatchItem, type PolicyOptions } from './policy/policy.js';
export { effectiveMemorySpec, graphBankSlots, type MemoryOverride } from './policy/memory-override.js';
export { EpisodeState, type NoisePosition } from './policy/episode.js';
export { BatchSizeHistogram, StepBatcher, type BatchedStep, type StepBatcherOptions } from './policy/step-batcher.js';
export type { PolicyBackend } from './policy/backend.js';
export { ActionScheduler, type ActionSchedulerOptions } from './policy/action-scheduler.js';
export { NoiseGenerator } from './policy/noise.js';
export { checkObservation } from './policy/preprocess.js';

export { readManifest, graphFile, type BundleGraphs, type LoadOptions } from './bundle/load.js';
export {
  MANIFEST_FORMAT,
  MANIFEST_LIMITS,
  ManifestSchema,
  type GraphRole,
  type GraphSpec,
  type HeadSpec,
  type Manifest,
  type MemorySpec,
  type TensorSpec,
} from './bundle/manifest.js';

export { HamletWindow, type HamletWindowOptions } from './memory/hamlet-window.js';
export { MemoryBank, EVICTIONS, type BankEntry, type Eviction, type MemoryBankOptions, type WriteResult } from './memory/memory-bank.js';
export { HamletState } from './memory/hamlet-state.js';
export { BankState } from './memory/bank-state.js';
export { NoMemoryState, type MemoryKind, type MemoryState, type MemoryStepContext, type StateTensor } from './memory/memory-state.js';
export { createMemoryState, type AnyMemoryState, type MemoryStateSpec } from './memory/create-memory-state.js';
export { decodeMemorySnapshot, encodeMemorySnapshot, tensorFromProto, tensorToProto } from './memory/snapshot.js';

export { McapRecorder, readEpisode, ReplaySource, listEpisodeFiles, summarizeEpisode, type McapRecorderOptions, type RecordedEpisode, type ReplayOptions } from './record/index.js';
export { SimClient, SimSession, SimServerError, type SimResetOptions, type SimSessionOptions, type SimTaskInfo } from './transports/sim/index.js';
export { OnnxGraph, type Device, type InferenceMode, type Provider } from './onnx/graph.js';
export { PolicyServer, type PolicyServerOptions } from './server/policy-server.js';
export { PolicyClient, PolicyServerError, RemoteEpisode, type PolicyClientOptions } from './server/policy-client.js';

export { BundleError } from './core/errors.js';
export type { ActionSink, EpisodeEnv, EpisodeOutcome, EpisodeSink, EpisodeStart, ObservationSource, Transition } from './core/interfaces.js';
export type { Action, ActionChunk, CameraFrame, Instruction, MemoryStats, Observation, StageTimings, StepResult, StreamStats } from './core/types.js';
export { momento } from './core/wire.js';

/** Loads, validates and opens the bundle at `dir` (the same as `Policy.load`). */
export function loadBundle(dir: string, options?: PolicyOptions): Promise<Policy> {
  return Policy.load(dir, options);
}
