// The two MCAP Metadata records of an episode file — `episode` (written first: what the episode
// started with) and `outcome` (written at the end) — as string maps. The recorder writes them and
// the readers parse them through this one definition of their keys.
import type { EpisodeOutcome, EpisodeStart, TaskSetting } from '../core/interfaces.js';
import type { EpisodeRecords } from './episode-records.js';
import { META_EPISODE, META_OUTCOME } from './topics.js';

/** The `episode` metadata record: what the episode started with, plus the recorder's facts. */
export interface RecordedEpisodeInfo extends EpisodeStart {
  readonly momentoVersion: string;
  /** Wall-clock start, ns since the Unix epoch. */
  readonly startNs: number;
}

/** The `outcome` metadata record: the runtime's outcome plus what the recorder itself dropped. */
export interface RecordedOutcome extends EpisodeOutcome {
  readonly recorderDroppedFrames: number;
  readonly recorderDroppedMessages: number;
}

/** Keys of the `episode` record. */
const EPISODE = {
  bundle: 'bundle',
  bundleHash: 'bundle_hash',
  task: 'task',
  seed: 'seed',
  device: 'device',
  source: 'source',
  memory: 'memory',
  momentoVersion: 'momento_version',
  startNs: 'start_ns',
  startTime: 'start_time',
  observationPixels: 'observation_pixels',
  taskParams: 'task_params',
  split: 'split',
  memorylessChance: 'memoryless_chance',
  maxSteps: 'max_steps',
} as const;

/** Keys of the `outcome` record. */
const OUTCOME = {
  success: 'success',
  steps: 'steps',
  reward: 'reward',
  droppedFrames: 'dropped_frames',
  recorderDroppedFrames: 'recorder_dropped_frames',
  recorderDroppedMessages: 'recorder_dropped_messages',
  endNs: 'end_ns',
} as const;

const MEMORY_CLEARED = 'cleared-every-step';
/** Where the pixels of an observation are: one foxglove.RawImage message per camera topic. */
const PIXELS_ON_CAMERA_TOPICS = 'camera_topics';

const epochNs = (at: Date): string => String(BigInt(at.getTime()) * 1_000_000n);

export function episodeMetadata(info: EpisodeStart, momentoVersion: string, startedAt: Date): Map<string, string> {
  return new Map([
    [EPISODE.bundle, info.bundle],
    [EPISODE.bundleHash, info.bundleHash],
    [EPISODE.task, info.task],
    [EPISODE.seed, String(info.seed)],
    [EPISODE.device, info.device],
    [EPISODE.source, info.source],
    [EPISODE.memory, info.noMemory ? MEMORY_CLEARED : 'on'],
    [EPISODE.momentoVersion, momentoVersion],
    [EPISODE.startNs, epochNs(startedAt)],
    [EPISODE.startTime, startedAt.toISOString()],
    [EPISODE.observationPixels, PIXELS_ON_CAMERA_TOPICS],
    ...settingEntries(info.setting),
  ]);
}

/** The task's setting, when the source reported one: parameters as JSON, split, chance, time limit. */
function settingEntries(setting: TaskSetting | undefined): [string, string][] {
  if (!setting) return [];
  return [
    [EPISODE.taskParams, JSON.stringify(setting.params)],
    [EPISODE.split, setting.split],
    [EPISODE.memorylessChance, String(setting.memorylessChance)],
    [EPISODE.maxSteps, String(setting.maxSteps)],
  ];
}

/** The `task_params` entry back as numbers by name; a malformed entry names the file. */
function parseSetting(file: string, meta: ReadonlyMap<string, string>): TaskSetting | undefined {
  const json = meta.get(EPISODE.taskParams);
  if (json === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`${file ? `${file}: ` : ''}episode metadata ${EPISODE.taskParams} is not JSON`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'number')) {
    throw new TypeError(`${file ? `${file}: ` : ''}episode metadata ${EPISODE.taskParams} must be an object of numbers, got ${json.slice(0, 64)}`);
  }
  return { params: parsed as Record<string, number>, split: meta.get(EPISODE.split) ?? '', memorylessChance: num(meta, EPISODE.memorylessChance), maxSteps: num(meta, EPISODE.maxSteps) };
}

export interface RecorderDrops {
  readonly droppedFrames: number;
  readonly droppedMessages: number;
}

export function outcomeMetadata(outcome: EpisodeOutcome, recorder: RecorderDrops, endedAt: Date): Map<string, string> {
  return new Map([
    [OUTCOME.success, String(outcome.success)],
    [OUTCOME.steps, String(outcome.steps)],
    [OUTCOME.reward, String(outcome.reward)],
    [OUTCOME.droppedFrames, String(outcome.droppedFrames)],
    [OUTCOME.recorderDroppedFrames, String(recorder.droppedFrames)],
    [OUTCOME.recorderDroppedMessages, String(recorder.droppedMessages)],
    [OUTCOME.endNs, epochNs(endedAt)],
  ]);
}

const num = (meta: ReadonlyMap<string, string>, key: string): number => Number(meta.get(key) ?? 0);

export function parseEpisodeInfo(file: string, records: EpisodeRecords): RecordedEpisodeInfo {
  const meta = records.metadata.get(META_EPISODE);
  if (!meta) throw new Error(`${file ? `${file}: ` : ''}no '${META_EPISODE}' metadata record; not a momento episode`);
  return {
    bundle: meta.get(EPISODE.bundle) ?? '',
    bundleHash: meta.get(EPISODE.bundleHash) ?? '',
    task: meta.get(EPISODE.task) ?? '',
    seed: num(meta, EPISODE.seed),
    device: meta.get(EPISODE.device) ?? '',
    source: meta.get(EPISODE.source) ?? '',
    noMemory: meta.get(EPISODE.memory) === MEMORY_CLEARED,
    momentoVersion: meta.get(EPISODE.momentoVersion) ?? '',
    startNs: num(meta, EPISODE.startNs),
    ...withSetting(parseSetting(file, meta)),
  };
}

const withSetting = (setting: TaskSetting | undefined): { setting?: TaskSetting } => (setting ? { setting } : {});

export function parseOutcome(records: EpisodeRecords): RecordedOutcome | undefined {
  const meta = records.metadata.get(META_OUTCOME);
  if (!meta) return undefined;
  return {
    success: meta.get(OUTCOME.success) === 'true',
    steps: num(meta, OUTCOME.steps),
    reward: num(meta, OUTCOME.reward),
    droppedFrames: num(meta, OUTCOME.droppedFrames),
    recorderDroppedFrames: num(meta, OUTCOME.recorderDroppedFrames),
    recorderDroppedMessages: num(meta, OUTCOME.recorderDroppedMessages),
  };
}
