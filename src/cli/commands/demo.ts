// `momento demo` (npm run demo): starts the simulator in process and evaluates the reference
// memory policy, its memory cleared every step and a memoryless twin on every task, on held-out
// (test) configurations, at parameters inside the training ranges and beyond them, against the
// chance of the best memoryless strategy. Short by design (CI runs it): a few episodes per task.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { projectPath } from '../../core/project-files.js';
import { beyondParams, listTasks, taskParamSpecs } from '../../../sim/index.js';
import { parsePositiveInt } from '../options.js';
import { table } from '../../core/text-table.js';
import type { TaskReport } from '../../runtime/eval-report.js';
import { runEval, type EvalRun } from './eval.js';

/** The reference memory policy the demo runs (policies/README.md: why this one), and a memoryless twin. */
export const DEMO_POLICY = 'policies/memoryvla-sim';
export const DEMO_TWIN = 'policies/memoryless-sim';
/** The beyond-range setting: every phase length and count at 1.5 x its longest trained value. */
export const DEMO_BEYOND = '1.5';

interface Setting {
  readonly label: string;
  readonly tasks: readonly string[];
  readonly beyond?: string;
}

interface SettingRuns {
  readonly setting: Setting;
  readonly memory: EvalRun;
  /** Only in range: the demo stays short. */
  readonly cleared: EvalRun | undefined;
  readonly twin: EvalRun | undefined;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('evaluate the reference memory policy against its memoryless ablation and chance, at trained and longer task timings')
    .option('--policy <bundle>', 'policy bundle folder', DEMO_POLICY)
    .option('--episodes <n>', 'episodes per task and setting', '10')
    .option('--device <device>', 'auto | gpu | cpu', 'cpu')
    .action(async (opts: { policy: string; episodes: string; device: string }) => {
      const policy = opts.policy === DEMO_POLICY ? projectPath(DEMO_POLICY) : opts.policy;
      if (!existsSync(policy)) throw new Error(`policy bundle not found: ${policy}`);
      const episodes = parsePositiveInt('--episodes', opts.episodes);
      const twinPath = projectPath(DEMO_TWIN);
      const withTwin = opts.policy === DEMO_POLICY && existsSync(twinPath);
      const allTasks = listTasks().map((t) => t.id);
      // Beyond the training range only means something for tasks with phase lengths (not reach).
      const timed = allTasks.filter((t) => taskParamSpecs(t).some((s) => s.kind === 'phase'));
      const settings: Setting[] = [
        { label: 'in range', tasks: allTasks },
        { label: `beyond ${DEMO_BEYOND}x`, tasks: timed, beyond: DEMO_BEYOND },
      ];
      console.log(
        `momento demo: ${episodes} episodes per task and setting of ${policy} on held-out (test) configurations — ` +
          `in range: parameters drawn per seed from their training ranges; beyond ${DEMO_BEYOND}x: every phase length and count at ${DEMO_BEYOND} x its longest trained value (capacity in range). Simulator in process.\n`,
      );
      const results: SettingRuns[] = [];
      for (const setting of settings) {
        const common = { task: setting.tasks.join(','), episodes: String(episodes), device: opts.device, seedStart: '0', concurrency: '10', split: 'test', ...(setting.beyond ? { beyond: setting.beyond } : {}) };
        const [memory, cleared] = await runEval({ policy, memory: true, ablation: setting.beyond === undefined, ...common });
        const twin = withTwin ? (await runEval({ policy: twinPath, memory: true, ablation: false, ...common }))[0] : undefined;
        results.push({ setting, memory: memory!, cleared, twin });
      }
      console.log(table(['task', 'setting', 'memory %', '95% CI', 'chance %', 'memory - chance', 'cleared %', 'twin %', 'step p50 ms'], demoRows(results)));
      const beyond = timed.map((t) => `${t} ${Object.entries(beyondParams(taskParamSpecs(t), Number(DEMO_BEYOND))).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      console.log(`\nbeyond ${DEMO_BEYOND}x: ${beyond.join('; ')}`);
      const all = results.flatMap((r) => [r.memory, ...(r.cleared ? [r.cleared] : []), ...(r.twin ? [r.twin] : [])]);
      const first = results[0]!.memory;
      console.log(`\n${first.bundle} on ${first.device}: ${all.reduce((n, r) => n + r.episodes.length, 0)} episodes in ${all.reduce((n, r) => n + r.seconds, 0).toFixed(1)} s`);
      console.log(
        'memory: the policy as trained. chance: the best memoryless strategy at each episode\'s parameters (sim/README.md), averaged over the episodes; ' +
          'memory - chance: the lead in points. cleared: the same policy with its memory emptied before every step (its memoryless ablation; in range only). ' +
          `twin: ${DEMO_TWIN}, the memoryless twin of hamlet-sim (the HAMLET network with a window of one call), not of ${first.bundle}. ` +
          'The reference bundles (2.0.0) were trained on training configurations with every task parameter drawn from its training range (sim/README.md); ' +
          'beyond those ranges memoryvla-sim holds on remember-colour and pick-place-twice and falls to chance on shell-game and button-sequence (its MODEL_CARD.md says where).',
      );
    });
}

function demoRows(results: readonly SettingRuns[]): string[][] {
  const pct = (x: number | undefined): string => (x === undefined ? '' : (100 * x).toFixed(0));
  const find = (run: EvalRun | undefined, task: string): TaskReport | undefined => run?.reports.find((r) => r.task === task);
  const tasks = [...new Set(results.flatMap((r) => r.setting.tasks))];
  return tasks.flatMap((task) =>
    results.flatMap(({ setting, memory, cleared, twin }) => {
      const a = find(memory, task);
      if (!a) return [];
      const lead = a.chance === undefined ? '' : `${a.rate >= a.chance ? '+' : ''}${(100 * (a.rate - a.chance)).toFixed(0)}`;
      return [[task, setting.label, pct(a.rate), `[${pct(a.low)}, ${pct(a.high)}]`, pct(a.chance), lead, pct(find(cleared, task)?.rate), pct(find(twin, task)?.rate), a.latencyP50Ms.toFixed(2)]];
    }),
  );
}
