// `momento collect`: records scripted-expert demonstrations for training. Runs the simulator in
// process (the expert reads the privileged task state) and writes the training dataset
// (momento-dataset/1) and, unless --no-mcap, one MCAP episode file per episode.
import type { Command } from 'commander';
import { join } from 'node:path';
import { SimEnv, TASK_IDS, isTaskId } from '../../../sim/index.js';
import type { Action } from '../../core/types.js';
import { DatasetWriter, McapRecorder } from '../../record/index.js';
import { parseNonNegativeInt, parsePositiveInt } from '../options.js';
import { Progress } from '../progress.js';

interface CollectOptions {
  task: string;
  episodes: string;
  out: string;
  seedStart: string;
  mcap: boolean;
  imageSize: string;
}

export function registerCollect(program: Command): void {
  program
    .command('collect')
    .description('record scripted-expert demonstrations (training dataset + MCAP episodes)')
    .requiredOption('--task <task>', `task id or 'all' (${TASK_IDS.join(', ')})`)
    .requiredOption('--episodes <n>', 'episodes per task')
    .requiredOption('--out <dir>', 'output folder: dataset.json, images.u8, … and episodes/*.mcap')
    .option('--seed-start <n>', 'first seed (evaluation uses seeds from 0: keep training seeds apart)', '100000')
    .option('--no-mcap', 'write the training dataset only')
    .option('--image-size <px>', 'camera image side', '64')
    .action(async (opts: CollectOptions) => {
      const tasks = parseTasks(opts.task);
      const episodes = parsePositiveInt('--episodes', opts.episodes);
      const seedStart = parseNonNegativeInt('--seed-start', opts.seedStart);
      const summary = await collect({ tasks, episodes, out: opts.out, seedStart, mcap: opts.mcap, imageSize: parsePositiveInt('--image-size', opts.imageSize) });
      for (const [task, s] of summary) console.log(`${task}: ${s.successes}/${s.episodes} expert successes, ${s.frames} frames`);
      console.log(`dataset written to ${opts.out}`);
    });
}

export function parseTasks(spec: string): string[] {
  if (spec === 'all') return [...TASK_IDS];
  const tasks = spec.split(',');
  for (const t of tasks) if (!isTaskId(t)) throw new RangeError(`--task: unknown task '${t}' (known: ${TASK_IDS.join(', ')}, all)`);
  return tasks;
}

export interface CollectSummary {
  episodes: number;
  successes: number;
  frames: number;
}

export async function collect(o: { tasks: readonly string[]; episodes: number; out: string; seedStart: number; mcap: boolean; imageSize: number }): Promise<Map<string, CollectSummary>> {
  const writer = await DatasetWriter.create(o.out);
  const env = new SimEnv({ imageSize: o.imageSize });
  const summary = new Map<string, CollectSummary>();
  const progress = new Progress('collect', o.tasks.length * o.episodes);
  try {
    for (const task of o.tasks) {
      const s: CollectSummary = { episodes: 0, successes: 0, frames: 0 };
      summary.set(task, s);
      for (let i = 0; i < o.episodes; i++) {
        const seed = o.seedStart + i;
        const recorder = o.mcap ? await McapRecorder.create({ dir: join(o.out, 'episodes'), fileName: `${task}-${seed}.mcap` }) : undefined;
        recorder?.start({ bundle: 'expert', bundleHash: '', task, seed, device: 'cpu', source: 'sim' });
        let tr = env.reset(task, seed);
        while (!tr.done) {
          const action: Action = { values: env.expertAction(), stampNs: tr.observation.stampNs, hold: false, reason: '' };
          writer.append(tr.observation, action);
          recorder?.observation(tr.observation);
          recorder?.action(action);
          tr = env.step(action.values);
          s.frames++;
        }
        recorder?.observation(tr.observation);
        await recorder?.end({ success: tr.success, steps: tr.observation.index, reward: tr.reward, droppedFrames: 0 });
        writer.endEpisode({ file: recorder?.file ?? '', task, seed, success: tr.success });
        s.episodes++;
        if (tr.success) s.successes++;
        progress.tick(`${task} ${s.successes}/${s.episodes}`);
      }
    }
  } finally {
    progress.stop();
    await writer.close();
  }
  return summary;
}
