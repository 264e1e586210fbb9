// `momento info <episode|dir>`: a summary table of recorded episodes; `momento export`: a folder
// of episodes to the training dataset format (momento-dataset/1).
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { exportDataset, formatInfoTable, summarizeDir, summarizeEpisode } from '../../record/index.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('summarise recorded episodes: duration, steps, topics, success, dropped frames, memory')
    .argument('<path>', 'an episode .mcap file or a folder of them')
    .action(async (path: string) => {
      let summaries;
      try {
        summaries = statSync(path).isDirectory() ? await summarizeDir(path) : [await summarizeEpisode(path)];
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${path}: no such file or folder`, { cause: err });
        throw err;
      }
      console.log(formatInfoTable(summaries));
    });
  program
    .command('export')
    .description('convert a folder of recorded episodes to the training dataset format')
    .argument('<episodes>', 'folder of .mcap episodes')
    .requiredOption('--out <dir>', 'dataset folder to write')
    .action(async (episodes: string, opts: { out: string }) => {
      const manifest = await exportDataset(episodes, opts.out);
      console.log(`exported ${manifest.episodes.length} episodes (${manifest.tasks.join(', ')}) to ${opts.out}`);
    });
}
