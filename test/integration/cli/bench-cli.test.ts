// `npm run bench` at the boundary a user touches: a mistyped option ends with the bench's own
// message (not Node's report of an uncaught error with a stack), and --help prints the usage.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const runBench = (args: readonly string[]) => runCli(args, { entry: 'bench/main.ts', env: { MOMENTO_DEBUG: '' } });

describe('npm run bench', () => {
  it.each([
    [['gpu', '--jsn', 'x.json'], "Unknown option '--jsn'"],
    [['gpu', '--configs', 'cpu-2t'], "--configs: unknown config 'cpu-2t' (known: cpu-1t, cpu-4t, webgpu)"],
    [['--steps=0', 'record'], "--steps: expected a positive number, got '0'"],
  ])('%j ends with the message and exit code 1, no stack', async (args, message) => {
    const r = await runBench(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`momento bench: ${message}`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await runBench(['gpu', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run bench -- /);
    expect(r.stdout).toContain('gpu:');
  });
});
