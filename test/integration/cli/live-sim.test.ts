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
  it('runs remember-colour live in the real-time simulator and records it', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'momento-live-'));
    try {
      const r = await runCli(['run', '--policy', join(ROOT, 'policies/memoryvla-sim'), '--source', 'sim:remember-colour', '--seed', '5', '--record', dir]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/remember-colour seed 5: success after \d+ simulator steps \(real time\)/);
      // How many frames drop and ticks hold depends on this machine's load (the simulator does not
      // wait); that the report and the recording agree on them does not.
      const counts = /(\d+) steps, (\d+) actions, (\d+) dropped frames, (\d+) holds on cpu/.exec(r.stdout);
      expect(counts).not.toBeNull();
      const [steps, actions, dropped, holds] = counts!.slice(1).map(Number) as [number, number, number, number];
      const [file] = readdirSync(dir);
      const episode = await readEpisode(join(dir, file!));
      expect(episode.outcome?.success).toBe(true);
      expect(episode.steps).toHaveLength(steps);
      expect(episode.actions).toHaveLength(actions);
      expect(episode.actions.filter((a) => a.hold)).toHaveLength(holds);
      expect(episode.outcome?.droppedFrames).toBe(dropped);
      expect(episode.info).toMatchObject({ bundle: 'memoryvla-sim', task: 'remember-colour', seed: 5, source: 'live' });
      // Every frame is recorded; the policy stepped on one in four.
      expect(episode.steps.length).toBeGreaterThan(5);
      expect(episode.observations.length).toBeGreaterThanOrEqual(3 * episode.steps.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names an unknown task', async () => {
    const r = await runCli(['run', '--policy', join(ROOT, 'policies/memoryvla-sim'), '--source', 'sim:juggling']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--source sim:<task>: unknown task 'juggling' (known: reach, shell-game");
  });
});
