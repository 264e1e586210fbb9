// Regression test for a bug found in review; the describe/it names say the expected behaviour.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { BUNDLES } from '../helpers/reference.js';

describe('replay --policy of an eval --no-memory recording', () => {
  it('replays it with the memory cleared too, as the recording says, and reproduces the chunks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'momento-review-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const bundle = join(BUNDLES, 'hamlet-tiny');
    const e = await runCli(['eval', '--policy', bundle, '--task', 'reach', '--episodes', '1', '--no-memory', '--record', dir, '--quiet']);
    expect(e.code).toBe(0);
    const r = await runCli(['replay', join(dir, 'no-memory'), '--policy', bundle]);
    expect(r.stdout).not.toMatch(/DIVERGED/);
    expect(r.code).toBe(0);
  });
});
