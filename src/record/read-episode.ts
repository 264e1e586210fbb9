// readEpisode: an episode file back as runtime types. Observations are reassembled with their
// camera frames (matched by MCAP sequence = observation index); an observation whose image the
// recorder had to drop is left out of `observations` and counted, so replay never sees half a frame.
import type { Action, CameraFrame, Observation, StepResult } from '../core/types.js';
import { decodeAction, decodeCameraFrame, decodeObservation, decodeStep } from './codec.js';
import { parseEpisodeInfo, parseOutcome, type RecordedEpisodeInfo, type RecordedOutcome } from './episode-metadata.js';
import { readEpisodeRecords, type EpisodeRecords } from './episode-records.js';
import { CAMERA_TOPIC_PREFIX, TOPIC_ACTION, TOPIC_OBSERVATION, TOPIC_STEP } from './topics.js';

// The metadata types, where readers of this module found them before they moved.
export type { RecordedEpisodeInfo, RecordedOutcome } from './episode-metadata.js';

export interface RecordedEpisode {
  readonly file: string;
  readonly info: RecordedEpisodeInfo;
  /** Absent when the episode did not end (crash, or disposed without end()). */
  readonly outcome?: RecordedOutcome;
  /** Complete observations (every camera present), in index order. */
  readonly observations: readonly Observation[];
  readonly steps: readonly StepResult[];
  readonly actions: readonly Action[];
  /** Camera images missing from the file: the recorder's count, or counted here when the file has no outcome. */
  readonly droppedFrames: number;
  /** Observations left out of `observations` because an image of theirs is missing. */
  readonly incompleteObservations: number;
  /** true when the file was cut short (no summary); it holds everything up to the last complete chunk. */
  readonly truncated: boolean;
  /** Chunks left out because they failed to verify (the rest of the file is read). */
  readonly damagedChunks: number;
}

/** Reads a whole episode file (complete, cut short or with damaged chunks) into runtime types. Errors name the file. */
export async function readEpisode(file: string): Promise<RecordedEpisode> {
  const records = await readEpisodeRecords(file);
  try {
    return episodeFrom(file, records);
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
}

function episodeFrom(file: string, records: EpisodeRecords): RecordedEpisode {
  const info = parseEpisodeInfo('', records);
  const outcome = parseOutcome(records);

  const frames = new Map<number, Map<string, CameraFrame>>();
  const skeletons: ReturnType<typeof decodeObservation>[] = [];
  const steps: StepResult[] = [];
  const actions: { sequence: number; action: Action }[] = [];
  for (const message of records.messages) {
    if (message.topic.startsWith(CAMERA_TOPIC_PREFIX)) {
      const frame = decodeCameraFrame(message.data);
      let byName = frames.get(message.sequence);
      if (!byName) frames.set(message.sequence, (byName = new Map()));
      byName.set(frame.name, frame);
    } else if (message.topic === TOPIC_OBSERVATION) {
      skeletons.push(decodeObservation(message.data));
    } else if (message.topic === TOPIC_STEP) {
      steps.push(decodeStep(message.data));
    } else if (message.topic === TOPIC_ACTION) {
      actions.push({ sequence: message.sequence, action: decodeAction(message.data) });
    }
  }

  const observations: Observation[] = [];
  let missingImages = 0;
  let incompleteObservations = 0;
  for (const { observation, cameraNames } of skeletons) {
    const byName = frames.get(observation.index);
    const cameras = cameraNames.flatMap((name) => {
      const frame = byName?.get(name);
      return frame ? [frame] : [];
    });
    if (cameras.length === cameraNames.length) {
      observations.push({ ...observation, cameras });
    } else {
      incompleteObservations++;
      missingImages += cameraNames.length - cameras.length;
    }
  }
  observations.sort((a, b) => a.index - b.index);
  steps.sort((a, b) => a.step - b.step);
  actions.sort((a, b) => a.sequence - b.sequence);

  return {
    file,
    info,
    ...(outcome ? { outcome } : {}),
    observations,
    steps,
    actions: actions.map((a) => a.action),
    droppedFrames: outcome?.recorderDroppedFrames ?? missingImages,
    incompleteObservations,
    truncated: records.truncated,
    damagedChunks: records.damagedChunks,
  };
}
