import { firstValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatInfoTable, summarizeDir, summarizeEpisode } from '../../../src/record/episode-summary.js';
import { ReplaySource } from '../../../src/record/replay-source.js';
import { SYNTHETIC_PERIOD_NS, syntheticImage } from '../../../src/record/synthetic-episode.js';
import { tempDir, writeSyntheticEpisode } from '../../fixtures/record/episodes.js';

describe('ReplaySource', () => {
  it('emits every recorded frame of every episode, in order, as fast as possible', async () => {
    await using dir = await tempDir();
    await writeSyntheticEpisode(dir.path, { steps: 15, fileName: 'b.mcap', start: { seed: 2 } });
    await writeSyntheticEpisode(dir.path, { steps: 10, fileName: 'a.mcap', start: { seed: 1 } });
    const source = new ReplaySource(dir.path, { rate: 'max' });
    expect(source.kind).toBe('replay');
    const frames = await firstValueFrom(source.observation$.pipe(toArray()));
    // a.mcap (10 frames) before b.mcap (15 frames): name order.
    expect(frames.map((o) => o.index)).toEqual([...Array(10).keys(), ...Array(15).keys()]);
    frames.forEach((obs) => {
      expect(Buffer.from(obs.cameras[0]?.data ?? []).equals(Buffer.from(syntheticImage(obs.index, 64)))).toBe(true);
    });
  });

  // The pacing runs on the test's clock (fake timers and performance.now), advanced in small steps
  // while the file is read for real: frames are due on the recorded stamps, not this machine's speed.
  describe("at rate 'recorded', on the test clock", () => {
    const CLOCK_STEP_MS = 10;
    beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
    afterEach(() => vi.useRealTimers());

    /**
     * Advances the fake clock in small steps, letting real I/O run between them, until `done()`.
     * How far the clock gets while the file is read does not matter: pacing starts after the read.
     */
    async function runClockUntil(done: () => boolean): Promise<void> {
      while (!done()) {
        await vi.advanceTimersByTimeAsync(CLOCK_STEP_MS);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }

    it('spaces frames like their stamps', async () => {
      await using dir = await tempDir();
      const file = await writeSyntheticEpisode(dir.path, { steps: 6, size: 16 });
      const arrivals: number[] = [];
      let completed = false;
      new ReplaySource(file, { rate: 'recorded' }).observation$.subscribe({ next: () => arrivals.push(performance.now()), complete: () => (completed = true) });
      await runClockUntil(() => completed);
      expect(arrivals).toHaveLength(6);
      const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
      expect(gaps).toEqual(Array(5).fill(SYNTHETIC_PERIOD_NS / 1e6));
    });

    it('stops reading and emitting when unsubscribed', async () => {
      await using dir = await tempDir();
      const file = await writeSyntheticEpisode(dir.path, { steps: 5, size: 16 });
      const seen: number[] = [];
      const subscription = new ReplaySource(file, { rate: 'recorded' }).observation$.subscribe((o) => seen.push(o.index));
      await runClockUntil(() => seen.length === 2);
      subscription.unsubscribe();
      // Far past the episode's end on the test clock: nothing more arrives, no timer is left.
      await vi.advanceTimersByTimeAsync((10 * SYNTHETIC_PERIOD_NS) / 1e6);
      expect(seen).toEqual([0, 1]);
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  it('rejects an unknown rate', () => {
    expect(() => new ReplaySource('x', { rate: 'fast' as 'max' })).toThrow(RangeError);
  });
});

describe('summaries for momento info', () => {
  it('summarizes an episode and a folder, and renders a table', async () => {
    await using dir = await tempDir();
    const ok = await writeSyntheticEpisode(dir.path, { steps: 30, fileName: 'a.mcap' });
    await writeSyntheticEpisode(dir.path, { steps: 5, fileName: 'b.mcap', success: false, start: { task: 'count-presses' } });
    const summary = await summarizeEpisode(ok);
    expect(summary).toMatchObject({
      task: 'cup-shuffle',
      seed: 7,
      steps: 30,
      success: true,
      droppedFrames: 0,
      truncated: false,
      compression: ['zstd'],
      memory: { maxEntries: 16, totalMerges: 14 },
    });
    expect(summary.durationS).toBeCloseTo(2.901, 3); // 29 periods of 100 ms + the last action's 1 ms
    expect(summary.fileBytes).toBeGreaterThan(1000);
    expect(summary.topics.map((t) => [t.topic, t.messageCount])).toEqual([
      ['/action', 30], ['/camera/front', 30], ['/observation', 30], ['/policy/step', 30],
    ]);

    const all = await summarizeDir(dir.path);
    expect(all.map((s) => [s.task, s.success])).toEqual([['cup-shuffle', true], ['count-presses', false]]);
    const table = formatInfoTable(all);
    expect(table).toContain('episode');
    expect(table).toMatch(/a\.mcap\s+cup-shuffle\s+7\s+30\s+2\.9 s\s+yes\s+0\s+16\s+14/);
    expect(table).toContain('2 episodes, 35 steps, success 1/2, 0 dropped frames');
    expect(formatInfoTable([summary])).toMatch(/\/camera\/front\s+foxglove\.RawImage\s+30/);
  });
});
