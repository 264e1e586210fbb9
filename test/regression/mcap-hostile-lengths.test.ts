// Regression test (issue 14, found by `npm run fuzz`): a record length that claims gigabytes
// (here the header's, bytes 9..16 of the file) made FileHandleReadable allocate it and Node's
// fs.read abort the whole process (`Assertion failed: args[3]->IsInt32()`), so `momento info`
// on a folder died at one hostile file. Reads are now checked against the file and bounded.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEpisode, summarizeEpisode } from '../../src/record/index.js';
import { tempDir, writeSyntheticEpisode } from '../fixtures/record/episodes.js';

describe('an MCAP file whose header claims gigabytes', () => {
  it('is refused with an error naming the file, and the process lives on', async () => {
    await using dir = await tempDir();
    const file = await writeSyntheticEpisode(dir.path, { steps: 12, size: 16, chunkSize: 2048, fileName: 'ok.mcap' });
    const bytes = await readFile(file);
    Buffer.from([192, 231, 129, 225]).copy(bytes, 9); // the header record's length: ~3.8 GB
    const hostile = join(dir.path, 'hostile.mcap');
    await writeFile(hostile, bytes);
    await expect(readEpisode(hostile)).rejects.toThrow(hostile);
    await expect(summarizeEpisode(hostile)).rejects.toThrow(hostile);
    expect((await readEpisode(file)).observations).toHaveLength(12);
  });
});
