import { open, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { McapIndexedReader, McapStreamReader } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { loadDecompressHandlers, protobufFromBinaryDescriptor } from '@mcap/support';
import { describe, expect, it } from 'vitest';
import { momentoVersion } from '../../../src/record/version.js';
import { readEpisode } from '../../../src/record/read-episode.js';
import { McapRecorder } from '../../../src/record/recorder.js';
import { SYNTHETIC_START, syntheticAction, syntheticImage, syntheticObservation, syntheticStep } from '../../../src/record/synthetic-episode.js';
import { tempDir, writeSyntheticEpisode } from '../../fixtures/record/episodes.js';

async function openIndexed(file: string): Promise<{ reader: McapIndexedReader } & AsyncDisposable> {
  const handle = await open(file, 'r');
  const reader = await McapIndexedReader.Initialize({
    readable: new FileHandleReadable(handle),
    decompressHandlers: await loadDecompressHandlers(),
  });
  return { reader, [Symbol.asyncDispose]: () => handle.close() };
}

describe('McapRecorder → McapIndexedReader', () => {
  it('writes standard schemas, decodable images, metadata, compressed chunks and a summary', async () => {
    await using dir = await tempDir();
    const file = await writeSyntheticEpisode(dir.path, { steps: 30, chunkSize: 64 * 1024 });
    expect(file).toMatch(/cup-shuffle-7-\d{8}T\d{9}Z\.mcap$/);
    await using indexed = await openIndexed(file);
    const { reader } = indexed;

    const topics = new Map([...reader.channelsById.values()].map((c) => [c.topic, reader.schemasById.get(c.schemaId)]));
    expect(Object.fromEntries([...topics].map(([t, s]) => [t, s?.name]))).toEqual({
      '/camera/front': 'foxglove.RawImage',
      '/observation': 'momento.v1.Observation',
      '/policy/step': 'momento.v1.StepResult',
      '/action': 'momento.v1.Action',
    });
    for (const channel of reader.channelsById.values()) expect(channel.messageEncoding).toBe('protobuf');

    // Summary and indexes: statistics per channel, chunk indexes, metadata index.
    expect(reader.statistics?.messageCount).toBe(120n);
    expect(reader.statistics?.chunkCount).toBeGreaterThan(1);
    expect(reader.chunkIndexes.length).toBe(reader.statistics?.chunkCount);
    expect(reader.metadataIndexes.map((m) => m.name).sort()).toEqual(['episode', 'outcome']);
    expect(reader.chunkIndexes.every((c) => c.compression === 'zstd' && c.compressedSize < c.uncompressedSize)).toBe(true);

    // The RawImage schema decodes with the public protobuf support, to the very bytes recorded.
    const imageSchema = topics.get('/camera/front');
    if (!imageSchema) throw new Error('no image schema');
    const RawImage = protobufFromBinaryDescriptor(imageSchema.data).lookupType('foxglove.RawImage');
    let images = 0;
    for await (const m of reader.readMessages({ topics: ['/camera/front'] })) {
      const image = RawImage.toObject(RawImage.decode(m.data), { longs: Number }) as Record<string, unknown>;
      expect(image).toMatchObject({ width: 64, height: 64, encoding: 'rgb8', step: 192, frame_id: 'front' });
      expect(Buffer.from(image.data as Uint8Array).equals(Buffer.from(syntheticImage(m.sequence, 64)))).toBe(true);
      expect(m.logTime).toBe(BigInt(syntheticObservation(m.sequence).stampNs));
      images++;
    }
    expect(images).toBe(30);

    const stepChannel = [...reader.channelsById.values()].find((c) => c.topic === '/policy/step');
    const stepSchema = reader.schemasById.get(stepChannel?.schemaId ?? -1);
    if (!stepSchema) throw new Error('no step schema');
    const Step = protobufFromBinaryDescriptor(stepSchema.data).lookupType('momento.v1.StepResult');
    const at2s: { step: number; memory: { entries: number } }[] = [];
    for await (const m of reader.readMessages({ topics: ['/policy/step'], startTime: 2_000_000_000n, endTime: 2_000_000_000n })) {
      at2s.push(Step.toObject(Step.decode(m.data), { longs: Number }) as (typeof at2s)[number]);
    }
    expect(at2s).toMatchObject([{ step: 20, memory: { entries: 16 } }]);

    const metadata = new Map<string, ReadonlyMap<string, string>>();
    for await (const record of reader.readMetadata()) metadata.set(record.name, record.metadata);
    expect(Object.fromEntries(metadata.get('episode') ?? [])).toMatchObject({
      bundle: 'synthetic', bundle_hash: 'sha256:0000', task: 'cup-shuffle', seed: '7', device: 'cpu', momento_version: momentoVersion(),
    });
    expect(Object.fromEntries(metadata.get('outcome') ?? [])).toMatchObject({ success: 'true', steps: '30', reward: '1', dropped_frames: '0', recorder_dropped_frames: '0' });
  });

  it('declares schema imports so that strict descriptor pools accept the RawImage set', async () => {
    await using dir = await tempDir();
    const file = await writeSyntheticEpisode(dir.path, { steps: 1 });
    const { rawImageSchema } = await import('../../../src/record/schemas.js');
    const descriptor = (await import('protobufjs/ext/descriptor.js')).default;
    const set = descriptor.FileDescriptorSet.decode(rawImageSchema().data) as unknown as { file: { name: string; dependency: string[]; messageType: { field: { typeName?: string }[] }[] }[] };
    expect(set.file.map((f) => [f.name, f.dependency])).toEqual([
      ['google/protobuf/timestamp.proto', []],
      ['foxglove/RawImage.proto', ['google/protobuf/timestamp.proto']],
    ]);
    expect(set.file[1]?.messageType[0]?.field[0]?.typeName).toBe('.google.protobuf.Timestamp');
    expect((await readFile(file)).length).toBeGreaterThan(0);
  });

  it.each(['none'] as const)('writes %s chunks that the public readers decompress', async (compression) => {
    await using dir = await tempDir();
    const file = await writeSyntheticEpisode(dir.path, { steps: 12, compression, chunkSize: 32 * 1024 });
    await using indexed = await openIndexed(file);
    expect(indexed.reader.chunkIndexes.every((c) => c.compression === (compression === 'none' ? '' : compression))).toBe(true);
    const episode = await readEpisode(file);
    expect(episode.observations.map((o) => o.index)).toEqual([...Array(12).keys()]);
    // The stream reader validates every chunk's CRC after decompression.
    const stream = new McapStreamReader({ decompressHandlers: await loadDecompressHandlers() });
    stream.append(await readFile(file));
    let messages = 0;
    for (let r = stream.nextRecord(); r; r = stream.nextRecord()) if (r.type === 'Message') messages++;
    expect(stream.done()).toBe(true);
    expect(messages).toBe(48);
  });

  it('reads an episode back into runtime types', async () => {
    await using dir = await tempDir();
    const file = await writeSyntheticEpisode(dir.path, { steps: 25, fileName: 'ep.mcap' });
    const episode = await readEpisode(file);
    expect(episode.truncated).toBe(false);
    expect(episode.info).toMatchObject({ task: 'cup-shuffle', seed: 7, bundle: 'synthetic', momentoVersion: momentoVersion() });
    expect(episode.outcome).toMatchObject({ success: true, steps: 25, recorderDroppedFrames: 0 });
    expect(episode.observations).toHaveLength(25);
    const obs = episode.observations[24];
    const want = syntheticObservation(24);
    expect(obs?.stampNs).toBe(want.stampNs);
    expect(obs?.instruction).toEqual(want.instruction);
    expect(Array.from(obs?.proprio ?? [])).toEqual(Array.from(want.proprio));
    expect(obs?.cameras.map((c) => [c.name, c.height, c.width, c.channels])).toEqual([['front', 64, 64, 3]]);
    expect(Buffer.from(obs?.cameras[0]?.data ?? []).equals(Buffer.from(want.cameras[0]?.data ?? []))).toBe(true);
    expect(episode.steps[20]).toEqual(syntheticStep(20));
    expect(episode.actions[3]).toEqual(syntheticAction(3));
  });
});

describe('McapRecorder episodes and errors', () => {
  it('records one file per episode and never overwrites a file', async () => {
    await using dir = await tempDir();
    await using recorder = await McapRecorder.create({ dir: dir.path, fileName: 'ep.mcap' });
    const files: string[] = [];
    for (let e = 0; e < 2; e++) {
      recorder.start(SYNTHETIC_START);
      recorder.observation(syntheticObservation(0, 8));
      await recorder.end({ success: true, steps: 1, reward: 0, droppedFrames: 0 });
      files.push(basename(recorder.file ?? ''));
    }
    expect(files).toEqual(['ep.mcap', 'ep-1.mcap']);

    await writeFile(join(dir.path, 'taken.mcap'), 'not mine');
    await using other = await McapRecorder.create({ dir: dir.path, fileName: 'taken.mcap' });
    other.start(SYNTHETIC_START);
    other.observation(syntheticObservation(0, 8)); // still only enqueues
    await expect(other.end({ success: true, steps: 1, reward: 0, droppedFrames: 0 })).rejects.toThrow(/taken\.mcap failed at open/);
    expect(await readFile(join(dir.path, 'taken.mcap'), 'utf8')).toBe('not mine');
  });

  it('refuses sink calls outside an episode, naming the call', async () => {
    await using dir = await tempDir();
    await using recorder = await McapRecorder.create({ dir: dir.path });
    expect(() => recorder.observation(syntheticObservation(0, 8))).toThrow(/McapRecorder\.observation: called outside an episode/);
    await expect(recorder.end({ success: true, steps: 0, reward: 0, droppedFrames: 0 })).rejects.toThrow(/no episode/);
    await expect(McapRecorder.create({ dir: dir.path, compression: 'gzip' as 'zstd' })).rejects.toThrow(RangeError);
  });

  it('closes an episode left open on dispose, complete but without an outcome', async () => {
    await using dir = await tempDir();
    const recordUnended = async (): Promise<string> => {
      await using recorder = await McapRecorder.create({ dir: dir.path });
      recorder.start(SYNTHETIC_START);
      recorder.observation(syntheticObservation(0, 8));
      return recorder.file ?? '';
    };
    const file = await recordUnended();
    const episode = await readEpisode(file);
    expect(episode.truncated).toBe(false);
    expect(episode.outcome).toBeUndefined();
    expect(episode.observations).toHaveLength(1);
  });
});
