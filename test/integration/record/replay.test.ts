import { firstValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
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

  it("spaces frames like their stamps at rate 'recorded'", async () => {
    await using dir = await tempDir();
    const file = await writeSyntheticEpisode(dir.path, { steps: 6, size: 16 });
    const arrivals: number[] = [];
    await new Promise<void>((resolve, reject) => {
      new ReplaySource(file, { rate: 'recorded' }).observation$.subscribe({
        next: () => arrivals.push(performance.now()),
        error: reject,
        complete: resolve,
      });
    });
    expect(arrivals).toHaveLength(6);
    const spanMs = (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0);
    const recordedMs = (5 * SYNTHETIC_PERIOD_NS) / 1e6; // 500 ms
    expect(spanMs).toBeGreaterThanOrEqual(recordedMs - 5);
    expect(spanMs).toBeLessThan(recordedMs + 150);
    for (let i = 1; i < arrivals.length; i++) expect((arrivals[i] ?? 0) - (arrivals[i - 1] ?? 0)).toBeGreaterThan(50);
  });

  it('stops reading and emitting when unsubscribed', async () => {
    await using dir = await tempDir();
    const file = await writeSyntheticEpisode(dir.path, { steps: 5, size: 16 });
    const seen: number[] = [];
    const subscription = new ReplaySource(file, { rate: 'recorded' }).observation$.subscribe((o) => seen.push(o.index));
    await new Promise((r) => setTimeout(r, 150));
    subscription.unsubscribe();
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.length).toBe(count);
    expect(count).toBeLessThan(5);
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
