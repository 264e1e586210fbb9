// StepBatcher: many episodes (sessions) share one Policy; their step requests are gathered
// into one batched model call per stage. A batch leaves when every registered episode has a
// request waiting, when it is full, or when the oldest request has waited `waitMs`.
import type { Observation, StepResult } from '../core/types.js';
import { checkObservation } from './preprocess.js';
import type { EpisodeState } from './episode.js';
import type { Policy } from './policy.js';

export interface StepBatcherOptions {
  /** Largest batch. Default 32. */
  readonly maxBatch?: number;
  /** Longest wait for more requests once one is waiting, in ms. Default 2. */
  readonly waitMs?: number;
}

interface Pending {
  readonly episode: EpisodeState;
  readonly observation: Observation;
  readonly resolve: (r: StepResult) => void;
  readonly reject: (e: unknown) => void;
}

export class StepBatcher {
  private readonly queue: Pending[] = [];
  private readonly active = new Set<EpisodeState>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly maxBatch: number;
  private readonly waitMs: number;
  /** Sizes of the batches run so far (for statistics). */
  readonly batchSizes: number[] = [];

  constructor(
    readonly policy: Policy,
    options: StepBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 32;
    this.waitMs = options.waitMs ?? 2;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new RangeError(`StepBatcher: maxBatch must be a positive integer, got ${this.maxBatch}`);
  }

  /** Registers an episode as active: the batcher waits for it before a batch leaves early. */
  open(seed: number): EpisodeState {
    const episode = this.policy.newEpisode(seed);
    this.active.add(episode);
    return episode;
  }

  /** The episode ended: stop waiting for it. */
  close(episode: EpisodeState): void {
    this.active.delete(episode);
    this.maybeFlush();
  }

  step(episode: EpisodeState, observation: Observation): Promise<StepResult> {
    // A bad observation fails its own step here, before it can fail a whole batch of sessions.
    try {
      checkObservation(this.policy.manifest, observation);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ episode, observation, resolve, reject });
      this.maybeFlush();
    });
  }

  private maybeFlush(): void {
    if (this.running || this.queue.length === 0) return;
    const waiting = new Set(this.queue.map((p) => p.episode));
    const everyone = [...this.active].every((e) => waiting.has(e));
    if (everyone || this.queue.length >= this.maxBatch) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.waitMs);
    }
  }

  private async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running || this.queue.length === 0) return;
    // One request per episode per batch; later requests of the same episode wait their turn.
    const batch: Pending[] = [];
    const seen = new Set<EpisodeState>();
    for (let i = 0; i < this.queue.length && batch.length < this.maxBatch; ) {
      const p = this.queue[i]!;
      if (seen.has(p.episode)) {
        i++;
        continue;
      }
      seen.add(p.episode);
      batch.push(p);
      this.queue.splice(i, 1);
    }
    this.running = true;
    try {
      const results = await this.policy.stepBatch(batch);
      this.batchSizes.push(batch.length);
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.running = false;
      this.maybeFlush();
    }
  }
}
