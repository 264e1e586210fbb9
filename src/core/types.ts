// The runtime's in-memory types: what flows through the pipeline between sources, the policy
// and sinks. Tensors are typed arrays; the protobuf forms (src/core/wire.ts) are for the wire
// and for recordings, converted at the edges (src/core/convert.ts).

/** One camera image, row-major H x W x C, 8-bit. */
export interface CameraFrame {
  readonly name: string;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly data: Uint8Array;
}

export interface Instruction {
  readonly taskId: string;
  readonly text: string;
}

export interface Observation {
  readonly cameras: readonly CameraFrame[];
  readonly proprio: Float32Array;
  readonly instruction: Instruction;
  /** Capture time in nanoseconds (epoch, or since episode start in simulation). */
  readonly stampNs: number;
  /** Index of this observation in its episode. */
  readonly index: number;
}

/** `horizon` actions of `dims` values, row-major. */
export interface ActionChunk {
  readonly dims: number;
  readonly horizon: number;
  readonly values: Float32Array;
  /** Stamp of the observation the chunk was computed from. */
  readonly stampNs: number;
  /** Seconds between consecutive actions (1 / control rate). */
  readonly periodS: number;
}

/** One action as executed: sent to the robot or the simulator. */
export interface Action {
  readonly values: Float32Array;
  readonly stampNs: number;
  /** true when the scheduler held the previous action instead of a fresh one. */
  readonly hold: boolean;
  /** Why it held ('late', 'non-finite', 'start'); empty otherwise. */
  readonly reason: string;
  /**
   * Live runs: the control tick this action is for, counted on the source's clock from the
   * episode's first observation (tick 0). A fixed-rate source applies it during the next period.
   */
  readonly tick?: number;
}

/** Where a chunk was placed on the control clock when it arrived (live runs). */
export interface ChunkPlacement {
  /** Ticks of the chunk already past when it arrived (0: on time). */
  readonly delayTicks: number;
  /** Index of the chunk's first action that plays. */
  readonly startIndex: number;
  /** true when nothing of the chunk was left to play: it was never started. */
  readonly expired: boolean;
}

export interface StageTimings {
  preprocessMs: number;
  encoderMs: number;
  memoryMs: number;
  headMs: number;
  totalMs: number;
}

export interface StreamStats {
  readonly name: string;
  readonly entries: number;
  readonly merges: number;
  /** Left index of each adjacent pair merged this step, in merge order. */
  readonly mergedAt: readonly number[];
  /** Retrieval attention over the entries, when the memory graph exposes it. */
  readonly attention?: Float32Array;
}

export interface MemoryStats {
  readonly entries: number;
  readonly merges: number;
  readonly streams: readonly StreamStats[];
}

/** A live source's events between two policy steps (ROS runs): a reconnection is a gap in the episode. */
export interface SourceEvents {
  /** Reconnections of the source since the previous step. */
  readonly reconnects: number;
  /** Frames of the pivot input (the first camera) lost in those gaps, estimated from its stamps and typical interval. */
  readonly gapFrames: number;
}

export interface StepResult {
  readonly chunk: ActionChunk;
  readonly timings: StageTimings;
  readonly memory: MemoryStats;
  /** Policy step index within the episode. */
  readonly step: number;
  /** Episodes in the batched graph calls this step ran in (its `timings` are that whole call's); absent: 1. */
  readonly batch?: number;
  /** Live runs: where the chunk started on the control clock (delay-aware switching). */
  readonly placement?: ChunkPlacement;
  /** Live sources that report them: what happened at the source since the previous step. */
  readonly sourceEvents?: SourceEvents;
  /** Live sources that match inputs by stamp: the stamp (ns) of each input used, by input name. */
  readonly inputStampsNs?: Readonly<Record<string, number>>;
}
