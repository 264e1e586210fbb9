// `momento sim` as a user starts it: a child process that serves the simulator until SIGTERM;
// a client session runs a real episode against it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimSession } from '../../../src/transports/sim/index.js';
import { ROOT } from '../../helpers/cli.js';

describe('momento sim', () => {
  it('serves sessions on the printed URL and stops cleanly on SIGTERM', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'sim', '--port', '0'], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /simulator listening on (ws:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      expect(out).toMatch(/shell-game\s+80\s+33\.3 %/);
      await using session = await SimSession.connect(url);
      let tr = await session.reset({ task: 'reach', seed: 3 });
      expect(tr.observation.cameras[0]).toMatchObject({ name: 'rgb', height: 64, width: 64, channels: 3 });
      for (let i = 0; i < 5 && !tr.done; i++) tr = await session.step([0, 1, -1]);
      expect(tr.step).toBe(5);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('simulator stopped');
  });
});
