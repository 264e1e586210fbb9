// The reference policies in the simulator, as CI can afford (20 episodes per task on CPU, seeds
// never used in training): each memory bundle beats its memoryless twin — the same backbone and
// head trained on the same data — by at least 30 points on every history-dependent task. The
// bundles were trained on the tasks' fixed timings from before there were task parameters, so
// this pins every parameter to its legacy value (and takes seeds 0.., of either split, as then).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listTasks } from '../../../sim/index.js';
import { runEval, type EvalRun } from '../../../src/cli/commands/eval.js';
import { ROOT } from '../../helpers/cli.js';
import { legacyParamFlags } from '../../../src/cli/task-params.js';

const EPISODES = 20;
const evalBundle = async (name: string): Promise<EvalRun> => {
  const [run] = await runEval({ policy: join(ROOT, 'policies', name), task: 'all', episodes: String(EPISODES), memory: true, ablation: false, device: 'cpu', seedStart: '0', concurrency: '10', quiet: true, param: legacyParamFlags(), split: 'all' });
  return run!;
};

let twin: EvalRun;
beforeAll(async () => {
  twin = await evalBundle('memoryless-sim');
}, 120_000);

describe.each(['memoryvla-sim', 'hamlet-sim'])('%s', (name) => {
  it(`beats memoryless-sim by >= 30 points on every history-dependent task (${EPISODES} episodes each)`, { timeout: 120_000 }, async () => {
    const run = await evalBundle(name);
    for (const task of listTasks()) {
      const mine = run.reports.find((r) => r.task === task.id)!;
      const theirs = twin.reports.find((r) => r.task === task.id)!;
      expect(mine.episodes).toBe(EPISODES);
      console.log(`${name} ${task.id}: ${(100 * mine.rate).toFixed(0)} % vs memoryless ${(100 * theirs.rate).toFixed(0)} %`);
      if (task.needsMemory) expect(mine.rate - theirs.rate, `${task.id}: ${name} ${mine.rate} vs memoryless ${theirs.rate}`).toBeGreaterThanOrEqual(0.3);
    }
  });
});
