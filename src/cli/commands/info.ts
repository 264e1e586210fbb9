// `momento info <episode|dir>`: a summary table of recorded episodes; `momento export`: a folder
// of episodes to the training dataset format (momento-dataset/1).
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { exportDataset, formatInfoTable, summarizePath } from '../../record/index.js';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('summarise recorded episodes: duration, steps, topics, success, dropped frames, memory')
    .argument('<path>', 'an episode .mcap file or a folder of them')
    .action(async (path: string) => {
      if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
      const { summaries, unreadable } = await summarizePath(path);
      console.log(formatInfoTable(summaries, unreadable));
      // Exit code by the worst file: 2 when one could not be read at all, 1 when chunks were skipped.
      if (unreadable.length > 0) process.exitCode = 2;
      else if (summaries.some((s) => s.damagedChunks > 0)) process.exitCode = 1;
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
