// One served bundle: its Policy, the StepBatcher that gathers the steps of all its sessions into
// shared model calls, and the sessions themselves (memory, resume token, latest-only stepping).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Observation } from '../core/types.js';
import type { momento } from '../core/wire.js';
import type { EpisodeState } from '../policy/episode.js';
import type { Policy } from '../policy/policy.js';
import { StepBatcher, type BatchedStep, type Schedule } from '../policy/step-batcher.js';
import { contractOf } from './contract.js';
import { ServerFault, shown } from './fault.js';
import { checkSnapshotValues } from './snapshot-check.js';

export interface StepOutcome extends BatchedStep {
  readonly droppedFrames: number;
}

interface Waiting {
  readonly observation: Observation;
  readonly resolve: (o: StepOutcome) => void;
  readonly reject: (e: unknown) => void;
}

/** A session: one episode's memory on the server, reachable by id and resume token. */
export class Session {
  episode: EpisodeState;
  /** Steps this session dropped because a newer request arrived while they waited. */
  dropped = 0;
  closed = false;
  /** When the client's socket went away (server clock, ms); undefined while attached. */
  detachedAt: number | undefined;
  private inFlight = false;
  private waiting: Waiting | undefined;
  /** Where replies go: the connection that holds the session now (it changes on a resume). */
  replyTo: ((frame: Uint8Array) => void) | undefined;
  /** Request ids of steps running now: a resumed client repeating one waits for its reply. */
  readonly runningIds = new Set<number>();
  /** The last step's reply, resent when a resumed client repeats that request id. */
  lastReply: { readonly id: number; readonly frame: Uint8Array } | undefined;

  constructor(
    readonly host: BundleHost,
    readonly id: string,
    readonly tokenSha256: string,
    public seed: number,
    readonly noMemory: boolean,
    episode: EpisodeState,
  ) {
    this.episode = episode;
  }

  get busy(): boolean {
    return this.inFlight;
  }

  tokenMatches(token: string): boolean {
    const a = Buffer.from(sha256(token), 'hex');
    const b = Buffer.from(this.tokenSha256, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /**
   * Steps the episode on `observation`. Latest-only: while a step runs, a newer request replaces
   * the one waiting (which is refused as 'superseded' and counted), so a fast client costs bounded memory.
   */
  step(observation: Observation): Promise<StepOutcome> {
    if (this.closed) return Promise.reject(new ServerFault('session-closed', 'session_id', this.id, 'the session was closed'));
    return new Promise<StepOutcome>((resolve, reject) => {
      if (!this.inFlight) {
        this.run({ observation, resolve, reject });
        return;
      }
      if (this.waiting) {
        this.dropped++;
        this.host.onDropped();
        this.waiting.reject(new ServerFault('superseded', 'step', 'dropped', 'a newer step request of this session arrived while this one waited'));
      }
      this.waiting = { observation, resolve, reject };
    });
  }

  private run(w: Waiting): void {
    this.inFlight = true;
    if (this.noMemory) this.episode.clearMemory();
    this.host.batcher.stepBatched(this.episode, w.observation).then(
      (r) => {
        this.inFlight = false;
        w.resolve({ ...r, droppedFrames: this.dropped });
        this.next();
      },
      (err: unknown) => {
        this.inFlight = false;
        w.reject(err);
        this.next();
      },
    );
  }

  private next(): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w) this.run(w);
  }

  /** A new episode in the same session: empty memory, step 0. */
  reset(seed: number): void {
    if (this.inFlight) throw new ServerFault('busy', 'reset', 'step in flight', 'wait for the running step before a reset');
    this.host.batcher.close(this.episode);
    this.seed = seed;
    this.episode = this.host.policy.newEpisode(seed);
    if (this.detachedAt === undefined) this.host.batcher.attach(this.episode);
    this.lastReply = undefined;
  }

  /** Replaces the memory by a snapshot, validated in full on a fresh episode before the swap. */
  restore(snapshot: momento.v1.IMemorySnapshot): void {
    if (this.inFlight) throw new ServerFault('busy', 'restore', 'step in flight', 'wait for the running step before a restore');
    checkSnapshotValues(snapshot);
    const fresh = this.host.policy.newEpisode(this.seed);
    try {
      fresh.restore(snapshot);
    } catch (err) {
      throw new ServerFault('bad-field', 'restore.snapshot', shown(String(snapshot.kind ?? '')), shown((err as Error).message, 500));
    }
    this.host.batcher.close(this.episode);
    this.episode = fresh;
    if (this.detachedAt === undefined) this.host.batcher.attach(this.episode);
  }

  snapshot(): momento.v1.IMemorySnapshot {
    if (this.inFlight) throw new ServerFault('busy', 'snapshot', 'step in flight', 'wait for the running step before a snapshot');
    return this.episode.snapshot();
  }

  attach(): void {
    this.detachedAt = undefined;
    this.host.batcher.attach(this.episode);
  }

  detach(now: number): void {
    this.detachedAt = now;
    // An idle session must not hold batches back until the window expires.
    this.host.batcher.close(this.episode);
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface BundleHostOptions {
  /** Largest batch; 1 turns cross-session batching off. Default 32. */
  readonly maxBatch?: number;
  /** Batching window, ms. Default 2. */
  readonly waitMs?: number;
  readonly schedule?: Schedule;
  readonly now?: () => number;
  readonly onDropped?: () => void;
}

export class BundleHost {
  readonly batcher: StepBatcher;
  readonly contract: momento.v1.IPolicyContract;
  readonly manifestJson: string;
  readonly onDropped: () => void;

  constructor(
    /** The name clients use in the URL path (the bundle's folder name). */
    readonly route: string,
    readonly policy: Policy,
    options: BundleHostOptions = {},
  ) {
    this.batcher = new StepBatcher(policy, {
      maxBatch: options.maxBatch ?? 32,
      waitMs: options.waitMs ?? 2,
      ...(options.schedule ? { schedule: options.schedule } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    this.contract = contractOf(policy.manifest, policy.hash);
    this.manifestJson = JSON.stringify(policy.manifest);
    this.onDropped = options.onDropped ?? (() => undefined);
  }

  /** A new session with a fresh id and resume token (returned once, stored only as its hash). */
  newSession(seed: number, noMemory: boolean): { session: Session; token: string } {
    const token = randomBytes(24).toString('base64url');
    const session = new Session(this, randomBytes(16).toString('hex'), sha256(token), seed, noMemory, this.policy.newEpisode(seed));
    this.batcher.attach(session.episode);
    return { session, token };
  }

  /** A session read back from disk: detached until its client resumes it. */
  restoredSession(record: momento.v1.ISessionRecord, now: number): Session {
    const seed = Number(record.seed ?? 0);
    const episode = this.policy.newEpisode(seed);
    if (record.snapshot) episode.restore(record.snapshot);
    const session = new Session(this, record.sessionId ?? '', record.tokenSha256 ?? '', seed, record.noMemory ?? false, episode);
    session.detachedAt = now;
    return session;
  }
}
