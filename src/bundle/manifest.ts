// The bundle manifest (policies/<name>/policy.json): the contract between whoever trained a
// policy and the runtime. This schema is the single source of truth; the README documents it
// and every field's error names the file and the field path.
import { z } from 'zod';

export const MANIFEST_FORMAT = 'momento-bundle/1';

const positiveInt = z.number().int().positive();
const finite = z.number().finite();

export const TensorSpecSchema = z.strictObject({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'int64', 'uint8', 'int32']),
  /** Dimensions; a string is a symbolic dimension (the batch is always "batch"). */
  shape: z.array(z.union([z.number().int().nonnegative(), z.string().min(1)])),
});
export type TensorSpec = z.infer<typeof TensorSpecSchema>;

export const GraphSpecSchema = z.strictObject({
  file: z.string().min(1),
  inputs: z.array(TensorSpecSchema).min(1),
  outputs: z.array(TensorSpecSchema).min(1),
});
export type GraphSpec = z.infer<typeof GraphSpecSchema>;

const CameraSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case identifier'),
  height: positiveInt,
  width: positiveInt,
  channels: z.union([z.literal(1), z.literal(3)]),
  /** Per-channel normalisation of pixel/255: (x - mean) / std. */
  mean: z.array(finite),
  std: z.array(z.number().positive()),
});

const ProprioSpecSchema = z.strictObject({
  names: z.array(z.string()),
  mean: z.array(finite),
  std: z.array(z.number().positive()),
});

const InstructionSpecSchema = z.strictObject({
  /** Task ids in embedding order: the encoder's `task` input is the index in this list. */
  tasks: z.array(z.string().min(1)).min(1),
});

const ActionSpecSchema = z.strictObject({
  names: z.array(z.string()).min(1),
  /** Actions per chunk (k). */
  chunk: positiveInt,
  /** Actions of a chunk executed before the next policy call. */
  execute: positiveInt,
  rate_hz: z.number().positive(),
  low: z.array(finite),
  high: z.array(finite),
  /** The head predicts normalised actions: action = value * std + mean. */
  mean: z.array(finite),
  std: z.array(z.number().positive()),
});

const StreamSpecSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'lower-case identifier'),
  tokens: positiveInt,
  dim: positiveInt,
});

export const MemorySpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('hamlet'),
    /** Moment tokens per step (n_q). */
    tokens: positiveInt,
    dim: positiveInt,
    /** Window length T, in policy calls. */
    window: positiveInt,
  }),
  z.strictObject({
    kind: z.literal('memoryvla'),
    /** Bank capacity L per stream. */
    capacity: positiveInt,
    /** What is written to the bank after retrieval: the fused tokens or the raw encoder tokens. */
    write: z.enum(['fused', 'raw']),
    streams: z.array(StreamSpecSchema).min(1),
  }),
]);
export type MemorySpec = z.infer<typeof MemorySpecSchema>;

export const HeadSpecSchema = z.discriminatedUnion('kind', [
  /** The head graph outputs the chunk directly. */
  z.strictObject({ kind: z.literal('direct') }),
  /** Flow matching: x0 ~ N(0, I), x_{t+dt} = x_t + dt * v(x_t, t) for t = 0 .. 1 in `steps` Euler steps. */
  z.strictObject({ kind: z.literal('flow'), steps: positiveInt }),
  /** DDIM (eta = 0) over a linear beta schedule of `train_steps`, `steps` sampling steps; the head predicts the noise. */
  z.strictObject({
    kind: z.literal('ddim'),
    steps: positiveInt,
    train_steps: positiveInt,
    beta_start: z.number().positive(),
    beta_end: z.number().positive(),
  }),
]);
export type HeadSpec = z.infer<typeof HeadSpecSchema>;

export const ManifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  name: z.string().min(1),
  description: z.string().default(''),
  version: z.string().default('0.0.0'),
  /** Seed of the sampler's noise (iterative heads); each episode derives its stream from it. */
  seed: z.number().int().nonnegative().default(0),
  observation: z.strictObject({
    cameras: z.array(CameraSpecSchema),
    proprio: ProprioSpecSchema,
    instruction: InstructionSpecSchema,
  }),
  action: ActionSpecSchema,
  memory: MemorySpecSchema,
  head: HeadSpecSchema,
  graphs: z.strictObject({
    encoder: GraphSpecSchema,
    memory: GraphSpecSchema.optional(),
    head: GraphSpecSchema,
  }),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type GraphRole = keyof Manifest['graphs'];
