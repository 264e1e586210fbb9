// The retrained candidate bundles (policies/candidates/2026-12-02, trained on the parameterised
// tasks) in the simulator, as CI can afford: 30 episodes per task on CPU, on test configurations
// with every task parameter drawn from its training range (the eval defaults). The MemoryVLA
// candidate beats the memoryless twin — the same data, a flow head that samples one of the
// expert's modes — by at least 30 points on every history-dependent task. The HAMLET candidate
// does not yet (shell-game and remember-colour; its model card says so), so it is not pinned here.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listTasks } from '../../../sim/index.js';
import { runEval, type EvalRun } from '../../../src/cli/commands/eval.js';
import { ROOT } from '../../helpers/cli.js';

const EPISODES = 30;
const CANDIDATES = join(ROOT, 'policies', 'candidates', '2026-12-02');
const evalBundle = async (name: string): Promise<EvalRun> => {
  const [run] = await runEval({ policy: join(CANDIDATES, name), task: 'all', episodes: String(EPISODES), memory: true, ablation: false, device: 'cpu', seedStart: '0', concurrency: '10', quiet: true, split: 'test' });
  return run!;
};

let twin: EvalRun;
beforeAll(async () => {
  twin = await evalBundle('memoryless-sim');
}, 180_000);

describe('memoryvla-sim candidate (parameterised tasks)', () => {
  it(`beats the memoryless twin by >= 30 points on every history-dependent task, in range (${EPISODES} test episodes each)`, { timeout: 180_000 }, async () => {
    const run = await evalBundle('memoryvla-sim');
    expect(run.split).toBe('test');
    for (const task of listTasks()) {
      const mine = run.reports.find((r) => r.task === task.id)!;
      const theirs = twin.reports.find((r) => r.task === task.id)!;
      expect(mine.episodes).toBe(EPISODES);
      expect(theirs.episodes).toBe(EPISODES);
      console.log(`memoryvla-sim candidate ${task.id}: ${(100 * mine.rate).toFixed(0)} % vs twin ${(100 * theirs.rate).toFixed(0)} % (chance ${(100 * (mine.chance ?? Number.NaN)).toFixed(0)} %)`);
      if (task.needsMemory) expect(mine.rate - theirs.rate, `${task.id}: ${mine.rate} vs twin ${theirs.rate}`).toBeGreaterThanOrEqual(0.3);
    }
  });
});
