// Episode recording and replay in MCAP: the recorder (an EpisodeSink), the readers, the replay
// source, `momento info` summaries and the training-dataset export. Import from here.
export { McapRecorder, type EpisodeWritable, type McapRecorderOptions, type RecorderStats } from './recorder.js';
export type { ChunkCompression } from './compression.js';
export { readEpisode, type RecordedEpisode } from './read-episode.js';
export type { RecordedEpisodeInfo, RecordedOutcome } from './episode-metadata.js';
export { readEpisodeRecords, type EpisodeRecords, type RecordedMessage, type TopicInfo } from './episode-records.js';
export { ReplaySource, listEpisodeFiles, type ReplayOptions } from './replay-source.js';
export { summarizeEpisode, summarizeDir, summarizePath, formatInfoTable, type EpisodeSummary, type UnreadableEpisode } from './episode-summary.js';
export {
  DatasetWriter,
  exportDataset,
  pairObservationsWithActions,
  DATASET_FORMAT,
  type DatasetEpisodeMeta,
  type DatasetManifest,
  type DatasetWriterOptions,
} from './dataset.js';
export { RAW_IMAGE_SCHEMA } from './schemas.js';
export * from './topics.js';
