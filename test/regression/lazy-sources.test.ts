// Regression tests (issue 14): `run --source synthetic:N` and `run --source replay:<dir>` held
// every frame in memory (synthetic:250000 passed 3 GB). Sources are now pulled: a frame is
// generated, and an episode file read, only when the run asks for it.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ObservationSource } from '../../src/core/interfaces.js';
import type { Observation } from '../../src/core/types.js';
import { Policy } from '../../src/policy/policy.js';
import { ReplaySource } from '../../src/record/index.js';
import { runSource } from '../../src/runtime/run.js';
import { syntheticObservations, syntheticSource } from '../../src/runtime/synthetic.js';
import { tempDir, writeSyntheticEpisode } from '../fixtures/record/episodes.js';
import { BUNDLES } from '../helpers/reference.js';

describe('lazy sources', () => {
  it('runSource pulls one frame per step from a source that can be pulled', async () => {
    await using policy = await Policy.load(join(BUNDLES, 'hamlet-tiny'));
    let produced = 0;
    let steps = 0;
    let ahead = 0;
    const source: ObservationSource = {
      kind: 'replay',
      observation$: EMPTY, // never used: the run pulls
      frames: async function* (): AsyncGenerator<Observation> {
        for (const obs of syntheticObservations(policy.manifest, 12)) {
          produced++;
          yield obs;
        }
      },
    };
    const summary = await runSource({
      policy,
      source,
      onStep: () => {
        steps++;
        ahead = Math.max(ahead, produced - steps);
      },
    });
    expect(summary.stats.steps).toBe(12);
    expect(ahead).toBe(0); // never a frame generated before the previous one was stepped
  });

  it('syntheticSource generates frames only as they are pulled, for any count', async () => {
    await using policy = await Policy.load(join(BUNDLES, 'hamlet-tiny'));
    const source = syntheticSource(policy.manifest, Number.MAX_SAFE_INTEGER, 3);
    const taken: number[] = [];
    for await (const obs of source.frames!()) {
      taken.push(obs.index);
      if (taken.length === 3) break;
    }
    expect(taken).toEqual([0, 1, 2]);
    const [first] = [...syntheticObservations(policy.manifest, 1, 3)];
    const pulled = await source.frames!()[Symbol.asyncIterator]().next();
    expect(Buffer.from((pulled.value as Observation).cameras[0]!.data).equals(Buffer.from(first!.cameras[0]!.data))).toBe(true);
  });

  it('ReplaySource reads an episode file only when its first frame is pulled', async () => {
    await using dir = await tempDir();
    const a = await writeSyntheticEpisode(dir.path, { steps: 5, size: 8, fileName: 'a.mcap' });
    const b = await writeSyntheticEpisode(dir.path, { steps: 5, size: 8, fileName: 'b.mcap' });
    const frames = new ReplaySource(dir.path).frames();
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) seen.push(((await frames.next()).value as Observation).index);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    await rm(b); // not read yet: pulling on now finds it gone
    await expect(frames.next()).rejects.toThrow(b);
    expect(a).not.toBe(b);
  });
});
