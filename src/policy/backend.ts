// PolicyBackend: what the runtime steps — the in-process Policy, or a PolicyClient of a momento
// policy server (src/server/policy-client.ts). Both give the same results for the same bundle,
// seeds and observations; the runtime never needs to know which one it holds.
import type { Manifest } from '../bundle/manifest.js';
import type { Observation, StepResult } from '../core/types.js';

export interface StepOptions {
  /** Actions already committed for the chunk's first d ticks (action space, d x A, d < chunk). */
  readonly prefix?: Float32Array;
}

export interface PolicyBackend<Episode = unknown> {
  readonly name: string;
  readonly manifest: Manifest;
  /** Content hash of the bundle (manifest and graphs). */
  readonly hash: string;
  /** Where the graphs run ('cpu', 'webgpu', …; for a remote policy, the server's provider). */
  readonly provider: string;
  /** Memory cleared before every step (the memoryless ablation). */
  readonly noMemory: boolean;
  /** A fresh episode: empty memory, step 0, sampler noise seeded from `seed`. */
  newEpisode(seed?: number): Episode;
  /**
   * One step of one episode; one step at a time per episode. `options.prefix`: real-time
   * chunking's committed actions (flow heads; a backend that cannot inpaint ignores it).
   */
  step(episode: Episode, observation: Observation, options?: StepOptions): Promise<StepResult>;
  /** The episode is over: frees what it holds (a remote session). Optional: in-process episodes hold nothing. */
  endEpisode?(episode: Episode): Promise<void>;
  release(): Promise<void>;
}
