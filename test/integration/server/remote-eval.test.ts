// `momento eval --policy ws://…` against a real server equals the in-process evaluation episode for
// episode (same successes, steps and rewards), and `momento serve` runs as a command until SIGTERM.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEval } from '../../../src/cli/commands/eval.js';
import { PolicyServer } from '../../../src/server/policy-server.js';
import { ROOT } from '../../helpers/cli.js';

const BUNDLE = join(ROOT, 'policies', 'memoryvla-sim');
const options = { task: 'remember-colour,shell-game', episodes: '2', memory: true, ablation: false, device: 'cpu', seedStart: '0', concurrency: '1', quiet: true };

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
