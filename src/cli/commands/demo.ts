// `momento demo` (npm run demo): starts the simulator in process and evaluates the reference
// memory policy against its memoryless ablation on every task, printing the table. Short by
// design (CI runs it): a few episodes per task, batched sessions.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { projectPath } from '../../core/project-files.js';
import { listTasks } from '../../../sim/index.js';
import { parsePositiveInt } from '../options.js';
import { table } from '../../core/text-table.js';
import { runEval } from './eval.js';

/** The reference memory policy the demo runs (policies/README.md: why this one), and its memoryless twin. */
export const DEMO_POLICY = 'policies/memoryvla-sim';
export const DEMO_TWIN = 'policies/memoryless-sim';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('evaluate the reference memory policy and its memoryless ablation on every simulator task')
    .option('--policy <bundle>', 'policy bundle folder', DEMO_POLICY)
    .option('--episodes <n>', 'episodes per task', '10')
    .option('--device <device>', 'auto | gpu | cpu', 'cpu')
    .action(async (opts: { policy: string; episodes: string; device: string }) => {
      const policy = opts.policy === DEMO_POLICY ? projectPath(DEMO_POLICY) : opts.policy;
      if (!existsSync(policy)) throw new Error(`policy bundle not found: ${policy}`);
      const episodes = parsePositiveInt('--episodes', opts.episodes);
      console.log(`momento demo: ${episodes} episodes per task of ${policy} — with its memory, with the memory cleared every step, and its memoryless twin (simulator in process)\n`);
      const common = { task: 'all', episodes: String(episodes), device: opts.device, seedStart: '0', concurrency: '10' };
      const [withMemory, without] = await runEval({ policy, memory: true, ablation: true, ...common });
      const twinPath = projectPath(DEMO_TWIN);
      const twin = opts.policy === DEMO_POLICY && existsSync(twinPath) ? (await runEval({ policy: twinPath, memory: true, ablation: false, ...common }))[0] : undefined;
      const pct = (x: number | undefined): string => (x === undefined ? '' : (100 * x).toFixed(0));
      const rows = listTasks().map((t) => {
        const a = withMemory!.reports.find((r) => r.task === t.id);
        const b = without!.reports.find((r) => r.task === t.id);
        const c = twin?.reports.find((r) => r.task === t.id);
        return [t.id, t.needsMemory ? 'yes' : 'no', pct(a?.rate), `[${pct(a?.low)}, ${pct(a?.high)}]`, pct(b?.rate), pct(c?.rate), pct(t.memorylessChance), a ? a.latencyP50Ms.toFixed(2) : ''];
      });
      console.log(table(['task', 'needs memory', 'memory %', '95% CI', 'cleared %', 'twin %', 'chance %', 'step p50 ms'], rows));
      const all = [withMemory!, without!, ...(twin ? [twin] : [])];
      console.log(`\n${withMemory!.bundle} on ${withMemory!.device}: ${all.reduce((n, r) => n + r.episodes.length, 0)} episodes in ${all.reduce((n, r) => n + r.seconds, 0).toFixed(1)} s`);
      console.log("memory: the policy as trained; cleared: its memory emptied before every step; twin: the same backbone and head without a past (policies/memoryless-sim: the HAMLET network with a window of one call); chance: the best memoryless strategy's success (sim/README.md)");
    });
}
