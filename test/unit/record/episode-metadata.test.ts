// The `episode` and `outcome` metadata records: what the recorder writes, the readers parse back
// (one definition of the keys for both sides).
import { describe, expect, it } from 'vitest';
import type { EpisodeRecords } from '../../../src/record/episode-records.js';
import { episodeMetadata, outcomeMetadata, parseEpisodeInfo, parseOutcome } from '../../../src/record/episode-metadata.js';
import { META_EPISODE, META_OUTCOME } from '../../../src/record/topics.js';

const START = { bundle: 'hamlet-tiny', bundleHash: 'abc123', task: 'shell-game', seed: 42, device: 'cpu', source: 'sim' };
const STARTED_AT = new Date('2026-11-30T12:34:56.789Z');

function records(metadata: Map<string, Map<string, string>>): EpisodeRecords {
  return { file: 'x.mcap', truncated: false, damagedChunks: 0, metadata, topics: [], messages: [], chunkCompression: [], startTime: undefined, endTime: undefined };
}

describe('episode metadata', () => {
  it.each([false, true])('round-trips the start of an episode (memory cleared: %s)', (noMemory) => {
    const meta = episodeMetadata({ ...START, noMemory }, '1.2.3', STARTED_AT);
    const info = parseEpisodeInfo('x.mcap', records(new Map([[META_EPISODE, meta]])));
    expect(info).toEqual({ ...START, noMemory, momentoVersion: '1.2.3', startNs: STARTED_AT.getTime() * 1e6 });
  });

  it('round-trips the outcome with the recorder counts kept apart from the pipeline counts', () => {
    const meta = outcomeMetadata({ success: true, steps: 61, reward: 1, droppedFrames: 3 }, { droppedFrames: 5, droppedMessages: 2 }, STARTED_AT);
    expect(parseOutcome(records(new Map([[META_OUTCOME, meta]])))).toEqual({
      success: true, steps: 61, reward: 1, droppedFrames: 3, recorderDroppedFrames: 5, recorderDroppedMessages: 2,
    });
  });

  it('writes the keys that other readers (Python, the mcap CLI) see, in snake_case', () => {
    const keys = [...episodeMetadata(START, '1.2.3', STARTED_AT).keys()];
    expect(keys).toEqual(expect.arrayContaining(['bundle', 'bundle_hash', 'task', 'seed', 'device', 'source', 'memory', 'momento_version', 'start_ns']));
    for (const key of keys) expect(key).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('a file without an outcome has none; one without the episode record is named as not an episode', () => {
    expect(parseOutcome(records(new Map()))).toBeUndefined();
    expect(() => parseEpisodeInfo('x.mcap', records(new Map()))).toThrow("x.mcap: no 'episode' metadata record; not a momento episode");
  });
});
