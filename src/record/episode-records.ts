// Low-level access to an episode file's records through the public @mcap/core readers: the
// indexed reader for complete files, and a streaming pass over the bytes for files without a
// summary (a recorder killed mid-episode), which stops cleanly at the cut-off tail.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
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

/** Reads an episode file, falling back to a streaming pass when the summary is missing. */
export async function readEpisodeRecords(file: string, wanted: TopicFilter = ALL_TOPICS): Promise<EpisodeRecords> {
  const handle = await open(file, 'r');
  let reader: McapIndexedReader;
  try {
    reader = await McapIndexedReader.Initialize({
      readable: new FileHandleReadable(handle),
      decompressHandlers: await loadDecompressHandlers(),
    });
  } catch {
    // No footer or summary (or a damaged one): read what the data section holds.
    await handle.close();
    return streamEpisodeRecords(file, wanted);
  }
  try {
    return await indexedRecords(file, reader, wanted);
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
    metadata,
    topics: sortTopics(topics),
    messages,
    chunkCompression: reader.chunkIndexes.map((c) => c.compression),
    startTime: hasMessages ? stats.messageStartTime : undefined,
    endTime: hasMessages ? stats.messageEndTime : undefined,
  };
}

async function streamEpisodeRecords(file: string, wanted: TopicFilter): Promise<EpisodeRecords> {
  const reader = new McapStreamReader({ includeChunks: true, decompressHandlers: await loadDecompressHandlers() });
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
