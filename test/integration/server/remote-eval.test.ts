// `momento eval --policy ws://…` against a real server equals the in-process evaluation episode for
// episode (same successes, steps and rewards), and `momento serve` runs as a command until SIGTERM.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEval } from '../../../src/cli/commands/eval.js';
import { PolicyServer } from '../../../src/server/policy-server.js';
import { PolicyClient } from '../../../src/server/policy-client.js';
import { Policy } from '../../../src/policy/policy.js';
import { fromObservations } from '../../../src/streams/from-observations.js';
import type { PolicyBackend } from '../../../src/policy/backend.js';
import { runSource } from '../../../src/runtime/run.js';
import { syntheticObservations } from '../../../src/runtime/synthetic.js';
import { ROOT } from '../../helpers/cli.js';
import { legacyParamFlags } from '../../../src/cli/task-params.js';

const BUNDLE = join(ROOT, 'policies', 'memoryvla-sim');
// At the legacy task timings the reference bundle was trained on (seeds 0.. of either split, as before task parameters).
const TASKS = ['remember-colour', 'shell-game'];
const options = { task: TASKS.join(','), episodes: '2', memory: true, ablation: false, device: 'cpu', seedStart: '0', concurrency: '1', quiet: true, param: legacyParamFlags(TASKS), split: 'all' };

describe('remote policy', () => {
  it('eval --policy ws://… equals the in-process eval', async () => {
    const [local] = await runEval({ ...options, policy: BUNDLE });
    await using server = await PolicyServer.create({ bundles: [BUNDLE], port: 0 });
    const [remote] = await runEval({ ...options, policy: `${server.url}/memoryvla-sim` });
    const outcome = (r: typeof local) => r!.episodes.map((e) => ({ task: e.task, seed: e.seed, success: e.success, steps: e.steps, reward: e.reward, calls: e.latenciesMs.length }));
    expect(outcome(remote)).toEqual(outcome(local));
    expect(remote!.episodes.some((e) => e.success)).toBe(true);
    // Every episode's session was closed at its end.
    expect(server.health().sessions).toBe(0);
  });

  it('runSource (momento run) gives the same chunks and actions through a PolicyClient', async () => {
    const dir = join(ROOT, 'test/fixtures/bundles/hamlet-tiny');
    const run = async (policy: PolicyBackend) => {
      const chunks: number[][] = [];
      const actions: number[][] = [];
      const summary = await runSource({ policy, source: fromObservations(syntheticObservations(policy.manifest, 10, 2)), seed: 2, onStep: (r) => chunks.push([...r.chunk.values]), onAction: (a) => actions.push([...a.values]) });
      return { chunks, actions, steps: summary.stats.steps };
    };
    await using local = await Policy.load(dir);
    const expected = await run(local);
    await using server = await PolicyServer.create({ bundles: [dir], port: 0 });
    await using client = await PolicyClient.connect(`${server.url}/hamlet-tiny`);
    const remote = await run(client);
    expect(remote.steps).toBe(10);
    expect(remote).toEqual(expected);
    expect(server.health().sessions).toBe(0);
  });

  it('momento serve serves /healthz and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--policy', join(ROOT, 'test/fixtures/bundles/memoryless-tiny'), '--port', '0'], { cwd: ROOT });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /health (http:\/\/\S+)\/healthz/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
    });
    expect(out).toMatch(/serving memoryless-tiny at ws:\/\/127\.0\.0\.1:\d+\/memoryless-tiny/);
    const health = (await (await fetch(`${url}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toMatch(/policy server stopped/);
  });
});
