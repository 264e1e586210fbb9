// Regression test for a bug found in review; the describe/it names say the expected behaviour.
import { cpSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimServer } from '../../sim/index.js';
import { Policy } from '../../src/policy/policy.js';
import { evaluate } from '../../src/runtime/evaluate.js';
import { BUNDLES } from '../helpers/reference.js';

const openFilesUnder = (dir: string): string[] =>
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(dir) ? [target] : [];
    } catch {
      return [];
    }
  });

describe('evaluate when one episode fails', () => {
  it('closes the recorder of an episode that throws', async () => {
    const root = mkdtempSync(join(tmpdir(), 'momento-review-'));
    const bundle = join(root, 'hamlet-few-tasks');
    cpSync(join(BUNDLES, 'hamlet-tiny'), bundle, { recursive: true });
    const m = JSON.parse(readFileSync(join(bundle, 'policy.json'), 'utf8'));
    m.observation.instruction.tasks = ['reach', 'shell-game', 'button-sequence', 'pick-place-twice'];
    writeFileSync(join(bundle, 'policy.json'), JSON.stringify(m));
    await using server = await startSimServer();
    await using policy = await Policy.load(bundle);
    const recordDir = join(root, 'rec');
    let finishedAfterRejection = 0;
    let rejected = false;
    const error = await evaluate({
      policy, simUrl: server.url, tasks: ['reach', 'remember-colour'], episodes: 3, concurrency: 2, recordDir,
      onEpisode: () => { if (rejected) finishedAfterRejection++; },
    }).then(() => undefined, (e: Error) => e);
    rejected = true;
    expect(error?.message).toMatch(/remember-colour/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(openFilesUnder(recordDir)).toEqual([]);
    expect(finishedAfterRejection).toBe(0);
  });
});
