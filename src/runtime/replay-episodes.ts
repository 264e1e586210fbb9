// Replays of recorded episode files, wired end to end: through a bundle (loaded once per memory
// setting the episodes were recorded with) or into a simulator session. `momento replay` formats
// what these return; the comparisons themselves are in replay.ts.
import type { Device } from '../onnx/graph.js';
import { Policy } from '../policy/policy.js';
import { readEpisode, type RecordedEpisode } from '../record/index.js';
import { SimSession } from '../transports/sim/index.js';
import { sessionEnv } from './evaluate.js';
import { replayActions, replayRegression, type ActionReplayReport, type RegressionReport } from './replay.js';

/** The bundle loaded once per memory setting that the episodes ask for. */
class PolicyCache implements AsyncDisposable {
  private readonly loaded = new Map<boolean, Promise<Policy>>();
  constructor(
    private readonly bundle: string,
    private readonly device: Device,
  ) {}

  get(noMemory: boolean): Promise<Policy> {
    let p = this.loaded.get(noMemory);
    if (!p) this.loaded.set(noMemory, (p = Policy.load(this.bundle, { device: this.device, noMemory })));
    return p;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const all = await Promise.allSettled(this.loaded.values());
    await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.release() : undefined)));
  }
}

export interface PolicyReplayOptions {
  readonly bundle: string;
  readonly device: Device;
  /** Largest allowed absolute chunk difference. */
  readonly tolerance: number;
}

/** One file's replay: its report, or why it could not be read or replayed (one bad file does not stop the rest). */
export type FileReplay<R> =
  | { readonly file: string; readonly episode: RecordedEpisode; readonly report: R }
  | { readonly file: string; readonly error: Error };

async function eachFile<R>(files: readonly string[], replay: (episode: RecordedEpisode) => Promise<R>): Promise<FileReplay<R>[]> {
  const results: FileReplay<R>[] = [];
  for (const file of files) {
    try {
      const episode = await readEpisode(file);
      results.push({ file, episode, report: await replay(episode) });
    } catch (error) {
      results.push({ file, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return results;
}

/** Each episode through the bundle, open loop; an episode recorded with its memory cleared every step replays that way. */
export async function replayFilesThroughPolicy(files: readonly string[], options: PolicyReplayOptions): Promise<FileReplay<RegressionReport>[]> {
  await using policies = new PolicyCache(options.bundle, options.device);
  return await eachFile(files, async (episode) => replayRegression(await policies.get(episode.info.noMemory ?? false), episode, options.tolerance));
}

/** Each episode's recorded actions into one session of the simulator at `simUrl`, rendering at the recorded camera size. */
export async function replayFilesIntoSim(files: readonly string[], simUrl: string): Promise<FileReplay<ActionReplayReport>[]> {
  await using session = await SimSession.connect(simUrl);
  // The recorded parameters, when the episode has them: the seed alone gives only its defaults.
  const paramsOf = (episode: RecordedEpisode): Record<string, Readonly<Record<string, number>>> => (episode.info.setting ? { [episode.info.task]: episode.info.setting.params } : {});
  return await eachFile(files, (episode) => replayActions(sessionEnv(session, episode.observations[0]?.cameras[0]?.height, paramsOf(episode)), episode));
}
