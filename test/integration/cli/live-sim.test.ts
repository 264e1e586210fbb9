// A live episode as a robot would run it: the real-time simulator advances at 10 Hz on its own
// (over a real socket), the reference memory policy steps every `execute` periods on the newest
// frame, actions leave at the control rate — and the task that needs memory succeeds.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEpisode } from '../../../src/record/index.js';
import { ROOT, runCli } from '../../helpers/cli.js';

describe('momento run --source sim:<task>', () => {
  it('runs remember-colour live in the real-time simulator, prints its outcome line, and records ticks and chunk placements', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'momento-live-'));
    try {
      const r = await runCli(['run', '--policy', join(ROOT, 'policies/memoryvla-sim'), '--source', 'sim:remember-colour', '--seed', '5', '--record', dir]);
      // The last line is the outcome; the exit code says it (0 success, 2 failure). Which one it
      // is depends on the machine's load (real time), so the test checks that they agree.
      const last = r.stdout.trim().split('\n').at(-1)!;
      expect(last).toMatch(/^remember-colour seed 5: (success|failure \(.+\)) after \d+ simulator steps \(real time\); (\d+) ticks, \d+ actions sent, \d+ holds, 0 skipped ticks, \d+ late frames, \d+ replaced sends, \d+ dropped frames; chunk delay mean [\d.]+ max \d+ ticks, \d+ expired chunks$/);
      const success = last.includes(': success after');
      expect(r.code).toBe(success ? 0 : 2);
      const [file] = readdirSync(dir);
      const episode = await readEpisode(join(dir, file!));
      expect(episode.outcome?.success).toBe(success);
      expect(episode.actions.every((a) => a.tick !== undefined)).toBe(true);
      expect(episode.steps.every((step) => step.placement !== undefined)).toBe(true);
      expect(episode.info).toMatchObject({ bundle: 'memoryvla-sim', task: 'remember-colour', seed: 5, source: 'live' });
      // Every frame is recorded; the policy stepped on one in four.
      expect(episode.steps.length).toBeGreaterThan(5);
      expect(episode.observations.length).toBeGreaterThanOrEqual(3 * episode.steps.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the simulator\'s failure reason and exits 2 when the episode fails', { timeout: 60_000 }, async () => {
    // memoryvla-sim with its memory cleared every step cannot remember the colour (0 % in lock-step).
    const r = await runCli(['run', '--policy', join(ROOT, 'policies/memoryvla-sim'), '--source', 'sim:remember-colour', '--seed', '5', '--no-memory']);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/^remember-colour seed 5: failure \(.+\) after \d+ simulator steps/);
  });

  it('names an unknown task', async () => {
    const r = await runCli(['run', '--policy', join(ROOT, 'policies/memoryvla-sim'), '--source', 'sim:juggling']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--source sim:<task>: unknown task 'juggling' (known: reach, shell-game");
  });
});
