// Low-level access to an episode file's records through the public @mcap/core readers: the
// indexed reader for complete files, and a streaming pass over the bytes for files without a
// summary (a recorder killed mid-episode) or with a damaged chunk, which keeps every chunk that
// verifies (decompresses and matches its CRC), skips the ones that do not and stops cleanly at a
// cut-off tail. Errors name the file.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from '@foxglove/crc';
import { McapIndexedReader, McapStreamReader, type McapTypes } from '@mcap/core';
import { FileHandleReadable } from '@mcap/nodejs';
import { loadDecompressHandlers } from '@mcap/support';

export interface RecordedMessage {
  readonly topic: string;
  readonly sequence: number;
  readonly logTime: bigint;
  readonly data: Uint8Array;
}

export interface TopicInfo {
  readonly topic: string;
  readonly schemaName: string;
  readonly messageCount: number;
}

export interface EpisodeRecords {
  readonly file: string;
  /** true when the file has no valid summary/footer (cut short); data up to the last complete chunk is here. */
  readonly truncated: boolean;
  /** Chunks left out because they did not decompress or failed their CRC. */
  readonly damagedChunks: number;
  readonly metadata: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Every topic with its message count (all messages, not only the ones loaded). */
  readonly topics: readonly TopicInfo[];
  /** Messages of the requested topics, in log-time order. */
  readonly messages: readonly RecordedMessage[];
  /** Compression of each chunk, in file order. */
  readonly chunkCompression: readonly string[];
  readonly startTime: bigint | undefined;
  readonly endTime: bigint | undefined;
}

export type TopicFilter = (topic: string) => boolean;

const ALL_TOPICS: TopicFilter = () => true;

/**
 * Largest uncompressed chunk read. A chunk's size comes from the file: without a bound a damaged
 * or hostile header would make the decompressor allocate whatever it claims. The recorder writes
 * 256 KiB chunks; one message larger than a chunk (a 4K frame is 25 MB) still fits.
 */
export const MAX_CHUNK_BYTES = 128 * 1024 * 1024;

/**
 * FileHandleReadable with its reads checked against the file: offsets and lengths come from the
 * file's footer and indexes, and a damaged one (beyond the end, or over 2 GiB) would otherwise
 * allocate what it claims or abort the process inside Node's fs.read.
 */
class BoundedFileReadable {
  private readonly inner: FileHandleReadable;
  private fileSize: bigint | undefined;

  constructor(handle: FileHandle) {
    this.inner = new FileHandleReadable(handle);
  }

  async size(): Promise<bigint> {
    return (this.fileSize ??= await this.inner.size());
  }

  async read(offset: bigint, length: bigint): Promise<Uint8Array> {
    const size = await this.size();
    if (offset < 0n || length < 0n || offset + length > size) throw new RangeError(`read of ${length} bytes at offset ${offset} is outside the file (${size} bytes)`);
    if (length > BigInt(2 * MAX_CHUNK_BYTES)) throw new RangeError(`read of ${length} bytes at offset ${offset} exceeds the limit of ${2 * MAX_CHUNK_BYTES}`);
    return this.inner.read(offset, length);
  }
}

type DecompressHandlers = Awaited<ReturnType<typeof loadDecompressHandlers>>;

/** The standard handlers, refusing chunks that claim more than MAX_CHUNK_BYTES. */
async function boundedHandlers(): Promise<DecompressHandlers> {
  const handlers = await loadDecompressHandlers();
  return Object.fromEntries(
    Object.entries(handlers).map(([name, decompress]) => [
      name,
      (buffer: Uint8Array, size: bigint): Uint8Array => {
        if (size > BigInt(MAX_CHUNK_BYTES)) throw new RangeError(`chunk claims ${size} uncompressed bytes (limit ${MAX_CHUNK_BYTES})`);
        return decompress(buffer, size);
      },
    ]),
  );
}

/**
 * Reads an episode file, falling back to a streaming pass when the summary is missing or a
 * chunk is damaged. Throws only when nothing of the file is readable, with the file's name.
 */
export async function readEpisodeRecords(file: string, wanted: TopicFilter = ALL_TOPICS): Promise<EpisodeRecords> {
  try {
    return await readRecords(file, wanted);
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith(file) ? message : `${file}: ${message}`, { cause: error });
  }
}

async function readRecords(file: string, wanted: TopicFilter): Promise<EpisodeRecords> {
  const handle = await open(file, 'r');
  let reader: McapIndexedReader;
  try {
    reader = await McapIndexedReader.Initialize({
      readable: new BoundedFileReadable(handle),
      decompressHandlers: await boundedHandlers(),
    });
  } catch {
    // No footer or summary (or a damaged one): read what the data section holds.
    await handle.close();
    return streamEpisodeRecords(file, wanted);
  }
  try {
    return await indexedRecords(file, reader, wanted);
  } catch {
    // A chunk that does not decompress or verify: keep the chunks that do.
    return await streamEpisodeRecords(file, wanted);
  } finally {
    await handle.close();
  }
}

async function indexedRecords(file: string, reader: McapIndexedReader, wanted: TopicFilter): Promise<EpisodeRecords> {
  const topicOf = new Map<number, string>();
  const topics: TopicInfo[] = [];
  for (const channel of reader.channelsById.values()) {
    topicOf.set(channel.id, channel.topic);
    topics.push({
      topic: channel.topic,
      schemaName: reader.schemasById.get(channel.schemaId)?.name ?? '',
      messageCount: Number(reader.statistics?.channelMessageCounts.get(channel.id) ?? 0n),
    });
  }
  const selected = topics.map((t) => t.topic).filter(wanted);
  const messages: RecordedMessage[] = [];
  if (selected.length > 0) {
    for await (const m of reader.readMessages({ topics: selected })) {
      messages.push({ topic: topicOf.get(m.channelId) ?? '', sequence: m.sequence, logTime: m.logTime, data: m.data });
    }
  }
  const metadata = new Map<string, ReadonlyMap<string, string>>();
  for await (const record of reader.readMetadata()) metadata.set(record.name, record.metadata);
  const stats = reader.statistics;
  const hasMessages = stats !== undefined && stats.messageCount > 0n;
  return {
    file,
    truncated: false,
    damagedChunks: 0,
    metadata,
    topics: sortTopics(topics),
    messages,
    chunkCompression: reader.chunkIndexes.map((c) => c.compression),
    startTime: hasMessages ? stats.messageStartTime : undefined,
    endTime: hasMessages ? stats.messageEndTime : undefined,
  };
}

async function streamEpisodeRecords(file: string, wanted: TopicFilter): Promise<EpisodeRecords> {
  // The reader yields each Chunk record before it decompresses it: `chunk` is the one the
  // handlers below are asked to decompress. A chunk that fails comes back empty (no records)
  // instead of ending the pass; CRCs are checked here, since the reader's own check would throw.
  let chunk: McapTypes.Chunk | undefined;
  let damagedChunks = 0;
  const verified = (bytes: Uint8Array): Uint8Array => {
    if (chunk && chunk.uncompressedCrc !== 0 && crc32(bytes) !== chunk.uncompressedCrc) {
      damagedChunks++;
      return new Uint8Array(0);
    }
    return bytes;
  };
  const handlers = await boundedHandlers();
  const tolerant = Object.fromEntries(
    Object.entries(handlers).map(([name, decompress]) => [
      name,
      (buffer: Uint8Array, size: bigint): Uint8Array => {
        try {
          return verified(decompress(buffer, size));
        } catch {
          damagedChunks++;
          return new Uint8Array(0);
        }
      },
    ]),
  );
  const reader = new McapStreamReader({ includeChunks: true, decompressHandlers: tolerant, validateCrcs: false });
  const schemaNames = new Map<number, string>();
  const channels = new Map<number, { topic: string; schemaId: number }>();
  const counts = new Map<number, number>();
  const messages: RecordedMessage[] = [];
  const metadata = new Map<string, ReadonlyMap<string, string>>();
  const chunkCompression: string[] = [];
  let startTime: bigint | undefined;
  let endTime: bigint | undefined;
  let broken = false;

  const take = (record: McapTypes.TypedMcapRecord): void => {
    switch (record.type) {
      case 'Schema':
        schemaNames.set(record.id, record.name);
        break;
      case 'Channel':
        channels.set(record.id, { topic: record.topic, schemaId: record.schemaId });
        break;
      case 'Chunk':
        chunkCompression.push(record.compression);
        chunk = record;
        // Uncompressed chunks are parsed in place: a damaged one ends the pass (below).
        if (record.compression === '' && record.uncompressedCrc !== 0 && crc32(record.records) !== record.uncompressedCrc) {
          damagedChunks++;
          throw new Error(`chunk at message time ${record.messageStartTime} fails its CRC`);
        }
        break;
      case 'Metadata':
        metadata.set(record.name, record.metadata);
        break;
      case 'Message': {
        counts.set(record.channelId, (counts.get(record.channelId) ?? 0) + 1);
        if (startTime === undefined || record.logTime < startTime) startTime = record.logTime;
        if (endTime === undefined || record.logTime > endTime) endTime = record.logTime;
        const topic = channels.get(record.channelId)?.topic ?? '';
        if (wanted(topic)) messages.push({ topic, sequence: record.sequence, logTime: record.logTime, data: record.data });
        break;
      }
      case 'Header':
      case 'Footer':
      case 'DataEnd':
      case 'MessageIndex':
      case 'ChunkIndex':
      case 'Attachment':
      case 'AttachmentIndex':
      case 'MetadataIndex':
      case 'Statistics':
      case 'SummaryOffset':
      case 'Unknown':
        // Indexes, statistics and the summary repeat what the data section already gave us.
        break;
    }
  };

  for await (const piece of createReadStream(file)) {
    if (broken || reader.done()) break;
    try {
      reader.append(piece as Buffer);
      for (let record = reader.nextRecord(); record; record = reader.nextRecord()) take(record);
    } catch {
      // A record the crash cut through (e.g. a chunk that fails its CRC): keep what came before.
      broken = true;
    }
  }
  const topics: TopicInfo[] = [...channels].map(([id, ch]) => ({
    topic: ch.topic,
    schemaName: schemaNames.get(ch.schemaId) ?? '',
    messageCount: counts.get(id) ?? 0,
  }));
  // The stream yields messages in file order; callers expect log-time order as from the indexed reader.
  messages.sort((a, b) => (a.logTime < b.logTime ? -1 : a.logTime > b.logTime ? 1 : 0));
  return {
    file,
    truncated: broken || !reader.done(),
    damagedChunks,
    metadata,
    topics: sortTopics(topics),
    messages,
    chunkCompression,
    startTime,
    endTime,
  };
}

function sortTopics(topics: TopicInfo[]): TopicInfo[] {
  return topics.sort((a, b) => a.topic.localeCompare(b.topic));
}
