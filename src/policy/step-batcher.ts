// StepBatcher: many episodes (sessions) share one Policy; their step requests are gathered
// into one batched model call per stage. A batch leaves when every registered episode has a
// request waiting, when it is full, or when the oldest request has waited `waitMs`.
import type { Observation, StepResult } from '../core/types.js';
import { checkObservation } from './preprocess.js';
import type { EpisodeState } from './episode.js';
import type { Policy } from './policy.js';

/** Schedules `run` after `ms`; returns a function that cancels it. */
export type Schedule = (run: () => void, ms: number) => () => void;

export interface StepBatcherOptions {
  /** Largest batch. Default 32; 1 turns batching off. */
  readonly maxBatch?: number;
  /** Longest wait for more requests once one is waiting, in ms. Default 2. */
  readonly waitMs?: number;
  /** Timer for the batching window. Default setTimeout (tests inject their own). */
  readonly schedule?: Schedule;
  /** Clock for queue-wait statistics, in ms. Default performance.now. */
  readonly now?: () => number;
}

/** A step's result with how it was batched. */
export interface BatchedStep {
  readonly result: StepResult;
  /** Time from the request to its batch leaving, ms. */
  readonly queueWaitMs: number;
  /** Episodes in the model call that computed it. */
  readonly batchSize: number;
}

/** Counts of batch sizes 1..maxBatch: bounded, however long the batcher runs. */
export class BatchSizeHistogram {
  readonly counts: number[];
  private batches = 0;
  private steps = 0;

  constructor(readonly maxBatch: number) {
    this.counts = new Array<number>(maxBatch + 1).fill(0);
  }

  add(size: number): void {
    this.counts[Math.min(size, this.maxBatch)]! += 1;
    this.batches += 1;
    this.steps += size;
  }

  /** Batches run so far. */
  get count(): number {
    return this.batches;
  }

  /** Largest batch run so far (0 before the first). */
  get max(): number {
    for (let size = this.maxBatch; size > 0; size--) if (this.counts[size]! > 0) return size;
    return 0;
  }

  /** Mean batch size (0 before the first batch). */
  get mean(): number {
    return this.batches === 0 ? 0 : this.steps / this.batches;
  }
}

interface Pending {
  readonly episode: EpisodeState;
  readonly observation: Observation;
  readonly queuedAt: number;
  readonly resolve: (r: BatchedStep) => void;
  readonly reject: (e: unknown) => void;
}

const timeoutSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

export class StepBatcher {
  private readonly queue: Pending[] = [];
  private readonly active = new Set<EpisodeState>();
  private cancelTimer: (() => void) | undefined;
  private running = false;
  private readonly maxBatch: number;
  private readonly waitMs: number;
  private readonly schedule: Schedule;
  private readonly now: () => number;
  /** Sizes of the batches run so far (for statistics), as a bounded histogram. */
  readonly batchSizes: BatchSizeHistogram;

  constructor(
    readonly policy: Policy,
    options: StepBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 32;
    this.waitMs = options.waitMs ?? 2;
    this.schedule = options.schedule ?? timeoutSchedule;
    this.now = options.now ?? (() => performance.now());
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new RangeError(`StepBatcher: maxBatch must be a positive integer, got ${this.maxBatch}`);
    if (!(this.waitMs >= 0)) throw new RangeError(`StepBatcher: waitMs must be >= 0, got ${this.waitMs}`);
    this.batchSizes = new BatchSizeHistogram(this.maxBatch);
  }

  /** Registers a new episode as active: the batcher waits for it before a batch leaves early. */
  open(seed: number): EpisodeState {
    const episode = this.policy.newEpisode(seed);
    this.attach(episode);
    return episode;
  }

  /** Registers an existing episode (a resumed or restored session) as active. */
  attach(episode: EpisodeState): void {
    this.active.add(episode);
  }

  /** The episode ended or went idle: stop waiting for it. */
  close(episode: EpisodeState): void {
    this.active.delete(episode);
    this.maybeFlush();
  }

  /** Episodes registered as active. */
  get activeCount(): number {
    return this.active.size;
  }

  async step(episode: EpisodeState, observation: Observation): Promise<StepResult> {
    return (await this.stepBatched(episode, observation)).result;
  }

  /** Like step, with the queue wait and the size of the batch that computed it. */
  stepBatched(episode: EpisodeState, observation: Observation): Promise<BatchedStep> {
    // A bad observation fails its own step here, before it can fail a whole batch of sessions.
    try {
      checkObservation(this.policy.manifest, observation);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ episode, observation, queuedAt: this.now(), resolve, reject });
      this.maybeFlush();
    });
  }

  private maybeFlush(): void {
    if (this.running || this.queue.length === 0) return;
    const waiting = new Set(this.queue.map((p) => p.episode));
    const everyone = [...this.active].every((e) => waiting.has(e));
    if (everyone || waiting.size >= this.maxBatch || this.waitMs === 0) {
      void this.flush();
    } else if (!this.cancelTimer) {
      this.cancelTimer = this.schedule(() => {
        this.cancelTimer = undefined;
        void this.flush();
      }, this.waitMs);
    }
  }

  private async flush(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
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
    const leftAt = this.now();
    try {
      const results = await this.policy.stepBatch(batch);
      this.batchSizes.add(batch.length);
      batch.forEach((p, i) => p.resolve({ result: results[i]!, queueWaitMs: leftAt - p.queuedAt, batchSize: batch.length }));
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.running = false;
      this.maybeFlush();
    }
  }
}
