// ReplaySource: recorded episodes as an ObservationSource of kind 'replay'. Every complete frame
// is emitted, in order (the pipeline consumes replay with concatMap, so nothing is skipped), either
// as fast as the subscriber takes them or spaced like the recorded stamps.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Observable } from 'rxjs';
import type { ObservationSource } from '../core/interfaces.js';
import type { Observation } from '../core/types.js';
import { readEpisode } from './read-episode.js';

export interface ReplayOptions {
  /** 'recorded': wait between frames as the stamps did; 'max': no waiting. Default 'max'. */
  readonly rate?: 'recorded' | 'max';
}

/** The episode files that `path` names: the file itself, or a folder's *.mcap files in name order. */
export async function listEpisodeFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((name) => name.endsWith('.mcap')).sort();
  return names.map((name) => join(path, name));
}

export class ReplaySource implements ObservationSource {
  readonly kind = 'replay' as const;
  /**
   * Each subscription reads the episodes afresh and emits their observations; indices restart at
   * 0 with each episode. Errors (unreadable file) end the stream with an error naming the file.
   */
  readonly observation$: Observable<Observation>;
  /** The same frames, pulled: one episode file is read (and held) at a time, when its first frame is asked for. */
  readonly frames: () => AsyncGenerator<Observation>;

  constructor(path: string, options: ReplayOptions = {}) {
    const rate = options.rate ?? 'max';
    if (rate !== 'recorded' && rate !== 'max') throw new RangeError(`rate must be 'recorded' or 'max', got ${String(rate)}`);
    this.frames = () => replayFrames(path, rate);
    this.observation$ = new Observable<Observation>((subscriber) => {
      const abort = new AbortController();
      const run = async (): Promise<void> => {
        for await (const obs of replayFrames(path, rate, abort.signal)) {
          if (abort.signal.aborted) return;
          subscriber.next(obs);
        }
        subscriber.complete();
      };
      run().catch((error: unknown) => {
        if (!abort.signal.aborted) subscriber.error(error);
      });
      return () => abort.abort();
    });
  }
}

async function* replayFrames(path: string, rate: 'recorded' | 'max', signal?: AbortSignal): AsyncGenerator<Observation> {
  for (const file of await listEpisodeFiles(path)) {
    const episode = await readEpisode(file);
    const first = episode.observations[0];
    if (!first) continue;
    // Pace against a fixed origin so that timer lateness does not accumulate over an episode.
    const origin = performance.now();
    for (const obs of episode.observations) {
      if (signal?.aborted) return;
      if (rate === 'recorded') {
        const wait = origin + (obs.stampNs - first.stampNs) / 1e6 - performance.now();
        if (wait > 0) await sleep(wait, signal);
        if (signal?.aborted) return;
      }
      yield obs;
    }
  }
}

/**
 * Waits `ms` on the global timer, which a test can replace with its own clock (node:timers/promises
 * cannot be); resolves early when `signal` aborts.
 */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
