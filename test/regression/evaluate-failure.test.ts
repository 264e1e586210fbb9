// Regression test for a bug found in review; the describe/it names say the expected behaviour.
import { readdirSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimServer } from '../../sim/index.js';
import { Policy } from '../../src/policy/policy.js';
import { evaluate } from '../../src/runtime/evaluate.js';
import { bundleCopy, removeBundleCopies } from '../helpers/bundle-copy.js';

afterEach(removeBundleCopies);

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
    const bundle = bundleCopy('hamlet-tiny', (m) => (m['observation'].instruction.tasks = ['reach', 'shell-game', 'button-sequence', 'pick-place-twice']), 'hamlet-few-tasks');
    const root = dirname(bundle);
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
    // evaluate rejects only once every worker has settled, so at this moment, with no waiting,
    // every recorder must be closed and no episode may finish afterwards.
    expect(openFilesUnder(recordDir)).toEqual([]);
    await new Promise((r) => setImmediate(r)); // one turn of the event loop for any straggler
    expect(finishedAfterRejection).toBe(0);
  });
});
