// Configuration-level splits: the rule (sha256 of the canonical JSON of the task state at reset,
// parameters included; first 4 bytes mod 10 < 8 → train) is stable, about 80/20, and
// `collect` draws only train configurations.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimEnv } from '../../../sim/env.js';
import { TASK_IDS } from '../../../sim/tasks/registry.js';
import { canonicalJson, configurationSplit } from '../../../sim/tasks/split.js';
import { collect } from '../../../src/cli/commands/collect.js';
import type { DatasetManifest } from '../../../src/record/index.js';
import { tempDir } from '../../fixtures/record/episodes.js';
import { range } from './episodes.js';

const cleanups: AsyncDisposable[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c[Symbol.asyncDispose]();
});

describe('configuration splits', () => {
  it('canonical JSON sorts keys at every level and drops undefined, so key order never changes a split', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[1,{"e":3,"f":2}]},"b":1}');
    const state = { task: 'shell-game', params: { swaps: 3, cups: 3 }, shownSlot: 1 };
    const reordered = { shownSlot: 1, params: { cups: 3, swaps: 3 }, task: 'shell-game' };
    expect(configurationSplit(reordered)).toBe(configurationSplit(state));
  });

  it('is sha256(canonical JSON of the state at reset), first 4 bytes big-endian, mod 10 < 8 → train', () => {
    const env = new SimEnv({ imageSize: 8 });
    for (const seed of range(0, 200)) {
      const t = env.reset('remember-colour', seed);
      const bucket = createHash('sha256').update(canonicalJson(JSON.parse(env.privilegedJson()))).digest().readUInt32BE(0) % 10;
      expect(t.setting.split).toBe(bucket < 8 ? 'train' : 'test');
    }
  });

  it.each(TASK_IDS)('%s: about 80 percent of 2000 seeds are train configurations (4 sigma), the same in any environment', (task) => {
    const a = new SimEnv({ imageSize: 8 });
    const b = new SimEnv({ imageSize: 32 });
    const seeds = range(0, 2000);
    const splits = seeds.map((seed) => a.reset(task, seed).setting.split);
    expect(seeds.map((seed) => b.reset(task, seed).setting.split)).toEqual(splits);
    const train = splits.filter((s) => s === 'train').length / seeds.length;
    expect(Math.abs(train - 0.8)).toBeLessThanOrEqual(4 * Math.sqrt((0.8 * 0.2) / seeds.length));
  });

  it('takes the parameters into account: the same scene with other phase lengths may fall in the other split', () => {
    const env = new SimEnv({ imageSize: 8 });
    const seeds = range(0, 200);
    const changed = seeds.filter((seed) => env.reset('shell-game', seed, { params: { show: 6 } }).setting.split !== env.reset('shell-game', seed, { params: { show: 7 } }).setting.split);
    expect(changed.length).toBeGreaterThan(0);
  });

  it('collect draws only train configurations, says how many seeds it skipped, and records params and split per episode', { timeout: 60_000 }, async () => {
    const dir = await tempDir('momento-split-');
    cleanups.push(dir);
    const out = join(dir.path, 'data');
    const summary = await collect({ tasks: ['shell-game', 'button-sequence'], episodes: 12, out, seedStart: 500, mcap: false, imageSize: 8 });
    const manifest = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8')) as DatasetManifest;
    const env = new SimEnv({ imageSize: 8 });
    for (const task of ['shell-game', 'button-sequence']) {
      const episodes = manifest.episodes.filter((e) => e.task === task);
      expect(episodes).toHaveLength(12);
      const s = summary.get(task)!;
      // Every seed from the first to the last was either recorded or skipped as a test configuration.
      expect(s.skipped).toBe(s.lastSeed - 500 + 1 - 12);
      for (let seed = 500; seed <= s.lastSeed; seed++) {
        const recorded = episodes.find((e) => e.seed === seed);
        const t = env.reset(task, seed);
        expect(t.setting.split).toBe(recorded ? 'train' : 'test');
        if (recorded) expect(recorded).toMatchObject({ split: 'train', params: t.setting.params });
      }
    }
  });
});
