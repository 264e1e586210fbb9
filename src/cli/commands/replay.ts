// `momento replay <episode>`: regression (`--policy`: the policy open-loop on the recorded
// observations, chunk differences, non-zero exit above --tolerance) or action replay (`--to`:
// the recorded actions sent to a simulator reset with the recorded task and seed).
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { startSimServer } from '../../../sim/index.js';
import { listEpisodeFiles } from '../../record/index.js';
import { replayFilesIntoSim, replayFilesThroughPolicy, type FileReplay } from '../../runtime/replay-episodes.js';
import { parseDevice } from '../options.js';
import { table } from '../../core/text-table.js';

interface ReplayOptions {
  policy?: string;
  to?: string;
  tolerance: string;
  device: string;
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('replay recorded episodes: through a policy (regression) or as actions into a simulator')
    .argument('<episode>', 'an episode .mcap file or a folder of them')
    .option('--policy <bundle>', 'run this policy open-loop on the recorded observations and compare its chunks')
    .option('--to <sim>', "send the recorded actions to a simulator: 'sim' (in process) or ws://host:port")
    .option('--tolerance <x>', 'largest allowed absolute chunk difference (--policy)', '1e-4')
    .option('--device <device>', 'auto | gpu | cpu', 'cpu')
    .action(async (path: string, opts: ReplayOptions) => {
      if (!opts.policy === !opts.to) throw new RangeError('replay: give exactly one of --policy <bundle> or --to <sim>');
      const tolerance = Number(opts.tolerance);
      if (!(tolerance >= 0)) throw new RangeError(`--tolerance: expected a non-negative number, got '${opts.tolerance}'`);
      if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
      const files = await listEpisodeFiles(path);
      if (files.length === 0) throw new RangeError(`${path}: no .mcap episodes found`);
      // Each file is replayed on its own: one unreadable file does not stop the rest.
      const outcomes = { ok: 0, differs: 0, unreadable: 0 };
      const rows: string[][] = [];
      const each = <R>(results: readonly FileReplay<R>[], format: (done: Extract<FileReplay<R>, { report: R }>) => { ok: boolean; row: string[] }): void => {
        for (const result of results) {
          if ('error' in result) {
            outcomes.unreadable++;
            rows.push([result.file, `ERROR: ${result.error.message}`]);
          } else {
            const { ok, row } = format(result);
            outcomes[ok ? 'ok' : 'differs']++;
            rows.push([result.file, ...row]);
          }
        }
      };
      if (opts.policy) {
        each(await replayFilesThroughPolicy(files, { bundle: opts.policy, device: parseDevice(opts.device), tolerance }), ({ report: r }) => {
          const ok = r.firstDivergence === undefined;
          return { ok, row: [String(r.steps), r.maxAbs.toExponential(2), r.meanAbs.toExponential(2), r.firstDivergence === undefined ? '-' : String(r.firstDivergence), r.identical ? 'identical' : ok ? 'within tolerance' : 'DIVERGED'] };
        });
        console.log(table(['episode', 'steps', 'max |Δ|', 'mean |Δ|', 'first divergence', 'result'], rows));
      } else {
        await using server = opts.to === 'sim' ? await startSimServer() : undefined;
        const url = server?.url ?? opts.to!;
        if (!/^wss?:\/\//.test(url)) throw new RangeError(`--to: expected 'sim' or a ws:// URL, got '${opts.to}'`);
        each(await replayFilesIntoSim(files, url), ({ episode, report: r }) => {
          const recorded = r.partial ? `incomplete, ${episode.actions.length} actions` : `${r.recorded.success ? 'success' : 'failure'} in ${r.recorded.steps}`;
          const result = r.matches ? (r.partial ? 'matches (incomplete file: observations only)' : 'matches') : 'DIFFERS';
          return { ok: r.matches, row: [recorded, `${r.replayed.success ? 'success' : 'failure'} in ${r.replayed.steps}`, `${r.observationsCompared}${r.firstObservationMismatch === undefined ? '' : ` (first differs at ${r.firstObservationMismatch})`}`, result] };
        });
        console.log(table(['episode', 'recorded', 'replayed', 'observations compared', 'result'], rows));
      }
      console.log(`${files.length} episodes: ${outcomes.ok} match, ${outcomes.differs} ${opts.policy ? 'diverged' : 'differ'}, ${outcomes.unreadable} could not be replayed`);
      // Exit code by the worst episode: 2 when one could not be read or replayed, 1 when one did not match.
      if (outcomes.unreadable > 0) process.exitCode = 2;
      else if (outcomes.differs > 0) process.exitCode = 1;
      if (outcomes.differs > 0) console.error(`momento: ${outcomes.differs} of ${files.length} episodes did not match`);
    });
}
