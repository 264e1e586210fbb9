// The reference policies (2.0.0, trained on the parameterised tasks) in the simulator, as CI can
// afford: 30 episodes per task on CPU, on test configurations (never trained on) with every task
// parameter drawn from its training range (the eval defaults). memoryvla-sim beats the memoryless
// twin — the same data, a flow head that samples one of the expert's modes — by at least 30 points
// on every history-dependent task. hamlet-sim does not yet in range (shell-game: 56.5 % against
// the twin's 21.5 % on 200 episodes; its model card says so), so it is pinned at the legacy setting
// only (every parameter at its legacy value, inside the training ranges), where it does.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listTasks } from '../../../sim/index.js';
import { runEval, type EvalRun } from '../../../src/cli/commands/eval.js';
import { legacyParamFlags } from '../../../src/cli/task-params.js';
import { ROOT } from '../../helpers/cli.js';

const EPISODES = 30;
const evalBundle = async (name: string, legacy: boolean): Promise<EvalRun> => {
  const [run] = await runEval({
    policy: join(ROOT, 'policies', name), task: 'all', episodes: String(EPISODES), memory: true, ablation: false, device: 'cpu', seedStart: '0', concurrency: '10', quiet: true, split: 'test',
    ...(legacy ? { param: legacyParamFlags() } : {}),
  });
  return run!;
};

function expectLead(name: string, run: EvalRun, twin: EvalRun): void {
  expect(run.split).toBe('test');
  for (const task of listTasks()) {
    const mine = run.reports.find((r) => r.task === task.id)!;
    const theirs = twin.reports.find((r) => r.task === task.id)!;
    expect(mine.episodes).toBe(EPISODES);
    expect(theirs.episodes).toBe(EPISODES);
    console.log(`${name} ${task.id}: ${(100 * mine.rate).toFixed(0)} % vs twin ${(100 * theirs.rate).toFixed(0)} % (chance ${(100 * (mine.chance ?? Number.NaN)).toFixed(0)} %)`);
    if (task.needsMemory) expect(mine.rate - theirs.rate, `${task.id}: ${name} ${mine.rate} vs twin ${theirs.rate}`).toBeGreaterThanOrEqual(0.3);
  }
}

describe('in range (parameters drawn from their training ranges)', () => {
  let twin: EvalRun;
  beforeAll(async () => {
    twin = await evalBundle('memoryless-sim', false);
  }, 180_000);

  it(`memoryvla-sim beats the memoryless twin by >= 30 points on every history-dependent task (${EPISODES} test episodes each)`, { timeout: 180_000 }, async () => {
    expectLead('memoryvla-sim', await evalBundle('memoryvla-sim', false), twin);
  });
});

describe('at the legacy setting', () => {
  let twin: EvalRun;
  beforeAll(async () => {
    twin = await evalBundle('memoryless-sim', true);
  }, 180_000);

  it.each(['memoryvla-sim', 'hamlet-sim'])(`%s beats the memoryless twin by >= 30 points on every history-dependent task (${EPISODES} test episodes each)`, { timeout: 180_000 }, async (name) => {
    expectLead(name, await evalBundle(name, true), twin);
  });
});
