// `momento collect`: records scripted-expert demonstrations for training. Runs the simulator in
// process (the expert reads the privileged task state) and writes the training dataset
// (momento-dataset/1) and, unless --no-mcap, one MCAP episode file per episode. It draws only
// configurations of the requested split (train by default): seeds whose configuration — the
// task state at reset, parameters included — is held out for evaluation are skipped and counted.
import type { Command } from 'commander';
import { join } from 'node:path';
import { SimEnv, TASK_IDS, isTaskId } from '../../../sim/index.js';
import type { Action } from '../../core/types.js';
import { DatasetWriter, McapRecorder } from '../../record/index.js';
import { parseNonNegativeInt, parsePositiveInt } from '../options.js';
import { Progress } from '../progress.js';
import { parseBeyond, parseSplit, repeatable, taskOverrides, type SplitChoice, type TaskOverrides } from '../task-params.js';

interface CollectOptions {
  task: string;
  episodes: string;
  out: string;
  seedStart: string;
  mcap: boolean;
  imageSize: string;
  param: string[];
  beyond?: string;
  split: string;
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
    .option('--param <name=value>', 'set a task parameter (repeatable; applies to the tasks that have it; momento sim --list-params)', repeatable, [])
    .option('--beyond <factor>', 'set every phase-length/count parameter to round(factor x its training max); capacity stays in range')
    .option('--split <split>', 'configurations to record: train (the default; test ones are held out for eval), test or all', 'train')
    .action(async (opts: CollectOptions) => {
      const tasks = parseTasks(opts.task);
      const episodes = parsePositiveInt('--episodes', opts.episodes);
      const seedStart = parseNonNegativeInt('--seed-start', opts.seedStart);
      const split = parseSplit(opts.split);
      const params = taskOverrides(tasks, opts.param, parseBeyond(opts.beyond));
      const summary = await collect({ tasks, episodes, out: opts.out, seedStart, mcap: opts.mcap, imageSize: parsePositiveInt('--image-size', opts.imageSize), split, params });
      for (const [task, s] of summary) {
        const skipped = split === 'all' ? '' : `, ${s.skipped} seeds skipped (their configuration is not ${split})`;
        console.log(`${task}: ${s.successes}/${s.episodes} expert successes, ${s.frames} frames, seeds ${s.firstSeed}..${s.lastSeed}${skipped}`);
      }
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
  /** Seeds passed over because their configuration is not in the split. */
  skipped: number;
  firstSeed: number;
  lastSeed: number;
}

export interface CollectOptionsResolved {
  readonly tasks: readonly string[];
  readonly episodes: number;
  readonly out: string;
  readonly seedStart: number;
  readonly mcap: boolean;
  readonly imageSize: number;
  /** Default 'train'. */
  readonly split?: SplitChoice;
  /** Parameters set per task; the others are each seed's defaults. */
  readonly params?: TaskOverrides;
}

/** Seeds looked at per episode wanted before collect gives up on a split. */
const SPLIT_SCAN_FACTOR = 50;

export async function collect(o: CollectOptionsResolved): Promise<Map<string, CollectSummary>> {
  const split = o.split ?? 'train';
  const writer = await DatasetWriter.create(o.out);
  const env = new SimEnv({ imageSize: o.imageSize });
  const summary = new Map<string, CollectSummary>();
  const progress = new Progress('collect', o.tasks.length * o.episodes);
  try {
    for (const task of o.tasks) {
      const s: CollectSummary = { episodes: 0, successes: 0, frames: 0, skipped: 0, firstSeed: o.seedStart, lastSeed: o.seedStart };
      summary.set(task, s);
      const params = o.params?.[task] ?? {};
      const seedLimit = o.seedStart + SPLIT_SCAN_FACTOR * o.episodes + 100;
      for (let seed = o.seedStart; s.episodes < o.episodes; seed++) {
        if (seed >= seedLimit) throw new RangeError(`collect ${task}: only ${s.episodes} of ${o.episodes} seeds in [${o.seedStart}, ${seedLimit}) are ${split} configurations`);
        let tr = env.reset(task, seed, { params });
        if (split !== 'all' && tr.setting.split !== split) {
          s.skipped++;
          continue;
        }
        s.lastSeed = seed;
        const recorder = o.mcap ? await McapRecorder.create({ dir: join(o.out, 'episodes'), fileName: `${task}-${seed}.mcap` }) : undefined;
        recorder?.start({ bundle: 'expert', bundleHash: '', task, seed, device: 'cpu', source: 'sim', setting: tr.setting });
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
        writer.endEpisode({ file: recorder?.file ?? '', task, seed, success: tr.success, params: tr.setting.params, split: tr.setting.split });
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
