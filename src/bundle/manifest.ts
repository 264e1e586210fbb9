// The bundle manifest (policies/<name>/policy.json): the contract between whoever trained a
// policy and the runtime. This schema is the single source of truth; the README documents it
// and every field's error names the file and the field path.
import { z } from 'zod';

export const MANIFEST_FORMAT = 'momento-bundle/1';

/**
 * Upper bounds on every count and size in a manifest, so that a file cannot make the loader
 * allocate or loop without limit (the README's "Limits" table lists them).
 */
export const MANIFEST_LIMITS = Object.freeze({
  /** Bytes of policy.json. */
  manifestBytes: 1 << 20,
  /** Bytes of one ONNX graph file (protobuf's own limit is 2 GiB). */
  graphBytes: 2 ** 31 - 1,
  /** Characters of a name (bundle, camera, stream, tensor, task, proprio or action name). */
  nameLength: 128,
  /** Characters of `description` and of a graph's `file` path. */
  textLength: 10_000,
  cameras: 16,
  /** Pixels of a camera side (height, width). */
  cameraSide: 4096,
  proprio: 1024,
  tasks: 4096,
  actions: 256,
  /** Actions per chunk (`action.chunk`). */
  chunk: 1024,
  /** `action.rate_hz` range. */
  minRateHz: 0.1,
  maxRateHz: 1000,
  /** Tokens per step or per entry (`memory.tokens`, `streams[].tokens`). */
  tokens: 4096,
  /** Token dimension (`memory.dim`, `streams[].dim`). */
  dim: 16_384,
  /** HAMLET window T and MemoryVLA capacity L. */
  window: 4096,
  capacity: 4096,
  streams: 16,
  /** Sampler steps (flow `steps`, ddim `steps`) and DDIM `train_steps`. */
  samplerSteps: 1000,
  trainSteps: 100_000,
  /** Tensors per graph side (inputs, outputs), the rank of one tensor and one fixed dimension. */
  tensors: 256,
  rank: 8,
  dimension: 1 << 24,
  /** Values in one batch row of any tensor the runtime allocates (camera, window, bank). */
  rowValues: 1 << 25,
});

const L = MANIFEST_LIMITS;
const positiveInt = z.number().int().positive();
const bounded = (max: number) => positiveInt.max(max);
const finite = z.number().finite();
const name = z.string().min(1).max(L.nameLength);
/** Camera and stream names become tensor names (`rgb`, `perceptual_bank`): lower-case identifiers. */
const identifier = name.regex(/^[a-z][a-z0-9_]*$/, 'must match /^[a-z][a-z0-9_]*$/');
const positiveFinite = z.number().positive().finite();

export const TensorSpecSchema = z.strictObject({
  name,
  dtype: z.enum(['float32', 'int64', 'uint8', 'int32']),
  /** Dimensions; a string is a symbolic dimension. The first is always the symbolic "batch". */
  shape: z.array(z.union([z.number().int().nonnegative().max(L.dimension), name])).max(L.rank),
});
export type TensorSpec = z.infer<typeof TensorSpecSchema>;

export const GraphSpecSchema = z.strictObject({
  /** Path of the .onnx file relative to the bundle folder; it must stay inside it. */
  file: z.string().min(1).max(L.textLength),
  inputs: z.array(TensorSpecSchema).min(1).max(L.tensors),
  outputs: z.array(TensorSpecSchema).min(1).max(L.tensors),
});
export type GraphSpec = z.infer<typeof GraphSpecSchema>;

const CameraSpecSchema = z.strictObject({
  name: identifier,
  height: bounded(L.cameraSide),
  width: bounded(L.cameraSide),
  channels: z.union([z.literal(1), z.literal(3)]),
  /** Per-channel normalisation of pixel/255: (x - mean) / std. */
  mean: z.array(finite).max(3),
  std: z.array(positiveFinite).max(3),
});

const ProprioSpecSchema = z.strictObject({
  names: z.array(name).max(L.proprio),
  mean: z.array(finite).max(L.proprio),
  std: z.array(positiveFinite).max(L.proprio),
});

const InstructionSpecSchema = z.strictObject({
  /** Task ids in embedding order: the encoder's `task` input is the index in this list. */
  tasks: z.array(name).min(1).max(L.tasks),
});

const ActionSpecSchema = z.strictObject({
  names: z.array(name).min(1).max(L.actions),
  /** Actions per chunk (k). */
  chunk: bounded(L.chunk),
  /** Actions of a chunk executed before the next policy call. */
  execute: bounded(L.chunk),
  /** Control rate: actions are `1 / rate_hz` seconds apart. */
  rate_hz: z.number().min(L.minRateHz).max(L.maxRateHz),
  low: z.array(finite).max(L.actions),
  high: z.array(finite).max(L.actions),
  /** The head predicts normalised actions: action = value * std + mean. */
  mean: z.array(finite).max(L.actions),
  std: z.array(positiveFinite).max(L.actions),
});

const StreamSpecSchema = z.strictObject({
  name: identifier,
  tokens: bounded(L.tokens),
  dim: bounded(L.dim),
});

export const MemorySpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('hamlet'),
    /** Moment tokens per step (n_q). */
    tokens: bounded(L.tokens),
    dim: bounded(L.dim),
    /** Window length T, in policy calls. */
    window: bounded(L.window),
  }),
  z.strictObject({
    kind: z.literal('memoryvla'),
    /** Bank capacity L per stream. */
    capacity: bounded(L.capacity),
    /** What is written to the bank after retrieval: the fused tokens or the raw encoder tokens. */
    write: z.enum(['fused', 'raw']),
    /** Past capacity: 'merge' the most similar adjacent pair (consolidation, the default) or drop the oldest entry ('fifo'). */
    eviction: z.enum(['merge', 'fifo']).optional(),
    streams: z.array(StreamSpecSchema).min(1).max(L.streams),
  }),
]);
export type MemorySpec = z.infer<typeof MemorySpecSchema>;

/** The head noise modes: the sampler's initial noise drawn afresh every call, or once per episode. */
export const HEAD_NOISE_MODES = ['call', 'episode'] as const;
export type HeadNoise = (typeof HEAD_NOISE_MODES)[number];

/**
 * `head.noise` of an iterative head: 'call' (the default) draws x0 afresh for every policy call;
 * 'episode' draws it once per episode and reuses it, so a sampler over a multi-modal expert keeps
 * to one mode for a whole episode instead of switching between modes from call to call.
 */
const headNoise = z.enum(HEAD_NOISE_MODES, { error: `must be ${HEAD_NOISE_MODES.map((m) => `'${m}'`).join(' or ')}` }).optional();

export const HeadSpecSchema = z.discriminatedUnion('kind', [
  /** The head graph outputs the chunk directly. */
  z.strictObject({ kind: z.literal('direct'), noise: z.never({ error: "only an iterative head (kind 'flow' or 'ddim') draws noise; a 'direct' head takes no 'noise'" }).optional() }),
  /** Flow matching: x0 ~ N(0, I), x_{t+dt} = x_t + dt * v(x_t, t) for t = 0 .. 1 in `steps` Euler steps. */
  z.strictObject({ kind: z.literal('flow'), steps: bounded(L.samplerSteps), noise: headNoise }),
  /** DDIM (eta = 0) over a linear beta schedule of `train_steps`, `steps` sampling steps; the head predicts the noise. */
  z.strictObject({
    kind: z.literal('ddim'),
    steps: bounded(L.samplerSteps),
    noise: headNoise,
    train_steps: bounded(L.trainSteps),
    beta_start: positiveFinite,
    beta_end: positiveFinite,
  }),
]);
export type HeadSpec = z.infer<typeof HeadSpecSchema>;

/** The head's noise mode: 'call' unless an iterative head says 'episode' (a direct head draws none). */
export function headNoiseMode(head: HeadSpec): HeadNoise {
  return head.kind === 'direct' ? 'call' : (head.noise ?? 'call');
}

export const ManifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  name,
  description: z.string().max(L.textLength).default(''),
  version: name.default('0.0.0'),
  /** Seed of the sampler's noise (iterative heads), a uint32; each episode derives its stream from it. */
  seed: z.number().int().nonnegative().max(0xffffffff).default(0),
  observation: z.strictObject({
    cameras: z.array(CameraSpecSchema).max(L.cameras),
    proprio: ProprioSpecSchema,
    /** Optional: a bundle without it takes no `task` input and accepts any task. */
    instruction: InstructionSpecSchema.optional(),
  }),
  action: ActionSpecSchema,
  memory: MemorySpecSchema,
  head: HeadSpecSchema,
  graphs: z.strictObject({
    encoder: GraphSpecSchema,
    memory: GraphSpecSchema.optional(),
    head: GraphSpecSchema,
    /**
     * Optional fused step graph: encoder + memory read + head in one graph, for direct heads and
     * memory kinds 'none' and 'memoryvla' (README, "The fused step graph"). The separate graphs
     * stay required; the runtime runs this one per step unless `fused: false`.
     */
    step: GraphSpecSchema.optional(),
  }),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type GraphRole = keyof Manifest['graphs'];
