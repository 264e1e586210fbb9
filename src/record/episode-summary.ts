// What `momento info` shows about recorded episodes: one summary per file (duration, steps,
// topics, outcome, drops, memory statistics, size) and a plain-text table of them. Only the
// /policy/step messages are decoded, so summarizing a folder does not unpack every image.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeStep } from './codec.js';
import { readEpisodeRecords, type EpisodeRecords, type TopicInfo } from './episode-records.js';
import { parseEpisodeInfo, parseOutcome } from './episode-metadata.js';
import { listEpisodeFiles } from './replay-source.js';
import { table } from '../core/text-table.js';
import { CAMERA_TOPIC_PREFIX, TOPIC_OBSERVATION, TOPIC_STEP } from './topics.js';

export interface EpisodeSummary {
  readonly file: string;
  readonly fileBytes: number;
  readonly bundle: string;
  readonly task: string;
  readonly seed: number;
  /** Seconds between the first and the last message's log time. */
  readonly durationS: number;
  /** From the outcome, or the number of recorded policy steps when the episode did not end. */
  readonly steps: number;
  readonly topics: readonly TopicInfo[];
  /** undefined when the episode has no outcome (cut short). */
  readonly success: boolean | undefined;
  /** Camera images the recorder dropped (estimated from message counts when there is no outcome). */
  readonly droppedFrames: number;
  /** Frames the live pipeline dropped while a step was in flight (from the outcome). */
  readonly pipelineDroppedFrames: number;
  readonly memory: { readonly maxEntries: number; readonly totalMerges: number };
  readonly compression: readonly string[];
  readonly truncated: boolean;
  /** Chunks left out because they failed to verify. */
  readonly damagedChunks: number;
}

/** A file `momento info` could not read at all, with the reason (which names the file). */
export interface UnreadableEpisode {
  readonly file: string;
  readonly error: string;
}

export async function summarizeEpisode(file: string): Promise<EpisodeSummary> {
  const [records, info] = await Promise.all([readEpisodeRecords(file, (topic) => topic === TOPIC_STEP), stat(file)]);
  try {
    return summaryOf(file, records, info.size);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}

function summaryOf(file: string, records: EpisodeRecords, fileBytes: number): EpisodeSummary {
  const episode = parseEpisodeInfo('', records);
  const outcome = parseOutcome(records);
  let maxEntries = 0;
  let totalMerges = 0;
  let steps = 0;
  for (const message of records.messages) {
    const step = decodeStep(message.data);
    maxEntries = Math.max(maxEntries, step.memory.entries);
    totalMerges += step.memory.merges;
    steps++;
  }
  const count = (topic: string): number => records.topics.find((t) => t.topic === topic)?.messageCount ?? 0;
  const cameraTopics = records.topics.filter((t) => t.topic.startsWith(CAMERA_TOPIC_PREFIX));
  const imagesWritten = cameraTopics.reduce((n, t) => n + t.messageCount, 0);
  const estimatedDrops = Math.max(0, count(TOPIC_OBSERVATION) * cameraTopics.length - imagesWritten);
  const { startTime, endTime } = records;
  return {
    file,
    fileBytes,
    bundle: episode.bundle,
    task: episode.task,
    seed: episode.seed,
    durationS: startTime !== undefined && endTime !== undefined ? Number(endTime - startTime) / 1e9 : 0,
    steps: outcome?.steps ?? steps,
    topics: records.topics,
    success: outcome?.success,
    droppedFrames: outcome?.recorderDroppedFrames ?? estimatedDrops,
    pipelineDroppedFrames: outcome?.droppedFrames ?? 0,
    memory: { maxEntries, totalMerges },
    compression: [...new Set(records.chunkCompression.map((c) => c || 'none'))],
    truncated: records.truncated,
    damagedChunks: records.damagedChunks,
  };
}

/** Summaries of a folder's episodes (or of one file), in name order. */
export async function summarizeDir(dir: string): Promise<EpisodeSummary[]> {
  const summaries: EpisodeSummary[] = [];
  for (const file of await listEpisodeFiles(dir)) summaries.push(await summarizeEpisode(file));
  return summaries;
}

/** Every episode of a file or folder: the ones that read, and the ones that did not (one bad file does not stop the rest). */
export async function summarizePath(path: string): Promise<{ summaries: EpisodeSummary[]; unreadable: UnreadableEpisode[] }> {
  const summaries: EpisodeSummary[] = [];
  const unreadable: UnreadableEpisode[] = [];
  for (const file of await listEpisodeFiles(path)) {
    try {
      summaries.push(await summarizeEpisode(file));
    } catch (error) {
      unreadable.push({ file, error: (error as Error).message });
    }
  }
  return { summaries, unreadable };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The `momento info` table: one row per episode, a totals row, and the topics of a single episode. */
export function formatInfoTable(summaries: readonly EpisodeSummary[], unreadable: readonly UnreadableEpisode[] = []): string {
  if (summaries.length === 0 && unreadable.length === 0) return 'no episodes';
  const problems = unreadable.map((u) => `unreadable: ${u.error}`);
  const damaged = summaries.filter((s) => s.damagedChunks > 0);
  const truncated = summaries.filter((s) => s.truncated).length;
  const headers = ['episode', 'task', 'seed', 'steps', 'duration', 'success', 'dropped', 'mem max', 'merges', 'size'];
  const rows = summaries.map((s) => [
    basename(s.file) + (s.truncated ? ' (truncated)' : '') + (s.damagedChunks > 0 ? ` (${s.damagedChunks} damaged chunks skipped)` : ''),
    s.task,
    String(s.seed),
    String(s.steps),
    `${s.durationS.toFixed(1)} s`,
    s.success === undefined ? '-' : s.success ? 'yes' : 'no',
    String(s.droppedFrames),
    String(s.memory.maxEntries),
    String(s.memory.totalMerges),
    formatBytes(s.fileBytes),
  ]);
  const parts = summaries.length > 0 ? [table(headers, rows)] : [];
  if (problems.length > 0) parts.push(problems.join('\n'));
  if (summaries.length + unreadable.length > 1) {
    const ended = summaries.filter((s) => s.success !== undefined);
    const successes = ended.filter((s) => s.success).length;
    const total = (f: (s: EpisodeSummary) => number): number => summaries.reduce((n, s) => n + f(s), 0);
    parts.push(
      `${summaries.length + unreadable.length} episodes, ${total((s) => s.steps)} steps, ` +
        `success ${successes}/${ended.length}, ${total((s) => s.droppedFrames)} dropped frames, ` +
        `${formatBytes(total((s) => s.fileBytes))}; ` +
        `${truncated} truncated, ${damaged.length} with damaged chunks, ${unreadable.length} unreadable`,
    );
  } else {
    const [only] = summaries;
    if (only) {
      const topicRows = only.topics.map((t) => [t.topic, t.schemaName, String(t.messageCount)]);
      parts.push(table(['topic', 'schema', 'messages'], topicRows));
      parts.push(`compression: ${only.compression.join(', ') || '-'}; bundle: ${only.bundle || '-'}`);
    }
  }
  return parts.join('\n\n');
}
