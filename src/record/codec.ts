// Conversions between the runtime types (src/core/types.ts) and the messages a recording holds:
// foxglove.RawImage for camera frames, momento.v1 messages for the rest. The /observation message
// carries each camera's name and shape but no pixels: the pixels live once, on /camera/<name>.
import type {
  Action,
  CameraFrame,
  MemoryStats,
  Observation,
  StepResult,
  StreamStats,
} from '../core/types.js';
import { pb, type momento } from '../core/wire.js';
import { rawImageSchema } from './schemas.js';
import { CAMERA_TOPIC_PREFIX } from './topics.js';

const ENCODING_BY_CHANNELS: Readonly<Record<number, string>> = { 1: 'mono8', 3: 'rgb8', 4: 'rgba8' };
const CHANNELS_BY_ENCODING: Readonly<Record<string, number>> = { mono8: 1, rgb8: 3, rgba8: 4 };

const NS_PER_S = 1_000_000_000;

export function cameraTopic(name: string): string {
  return `${CAMERA_TOPIC_PREFIX}${name}`;
}

/** A camera frame as foxglove.RawImage (row-major, step = width * channels). */
export function encodeCameraFrame(frame: CameraFrame, stampNs: number): Uint8Array {
  const encoding = ENCODING_BY_CHANNELS[frame.channels];
  if (!encoding) throw new RangeError(`camera '${frame.name}': ${frame.channels} channels, expected 1, 3 or 4`);
  const expected = frame.height * frame.width * frame.channels;
  if (frame.data.length !== expected) {
    throw new RangeError(`camera '${frame.name}': ${frame.data.length} bytes, expected ${expected} (H x W x C)`);
  }
  const type = rawImageSchema().type;
  const seconds = Math.floor(stampNs / NS_PER_S);
  return type
    .encode(
      type.create({
        timestamp: { seconds, nanos: stampNs - seconds * NS_PER_S },
        frame_id: frame.name,
        width: frame.width,
        height: frame.height,
        encoding,
        step: frame.width * frame.channels,
        data: frame.data,
      }),
    )
    .finish();
}

interface DecodedRawImage {
  frame_id: string;
  width: number;
  height: number;
  encoding: string;
  step: number;
  data: Uint8Array;
}

export function decodeCameraFrame(bytes: Uint8Array): CameraFrame {
  const image = rawImageSchema().type.decode(bytes) as unknown as DecodedRawImage;
  const channels = CHANNELS_BY_ENCODING[image.encoding];
  if (!channels) throw new RangeError(`camera '${image.frame_id}': unsupported encoding '${image.encoding}'`);
  const rowBytes = image.width * channels;
  let data: Uint8Array;
  if (image.step === rowBytes) {
    // Copy: the decoded bytes are a view into the whole decompressed chunk.
    data = new Uint8Array(image.data);
  } else {
    data = new Uint8Array(rowBytes * image.height);
    for (let y = 0; y < image.height; y++) {
      data.set(image.data.subarray(y * image.step, y * image.step + rowBytes), y * rowBytes);
    }
  }
  return { name: image.frame_id, height: image.height, width: image.width, channels, data };
}

export function encodeObservation(obs: Observation): Uint8Array {
  return pb.Observation.encode({
    cameras: obs.cameras.map((c) => ({
      name: c.name,
      dtype: pb.DType.UINT8,
      shape: [c.height, c.width, c.channels],
      data: new Uint8Array(0),
    })),
    proprio: Array.from(obs.proprio),
    instruction: { taskId: obs.instruction.taskId, text: obs.instruction.text },
    stampNs: obs.stampNs,
    index: obs.index,
  }).finish();
}

/** An observation without pixels, plus the camera names it expects (filled in by the reader). */
export interface ObservationSkeleton {
  readonly observation: Observation;
  readonly cameraNames: readonly string[];
}

export function decodeObservation(bytes: Uint8Array): ObservationSkeleton {
  const m = pb.Observation.decode(bytes);
  return {
    observation: {
      cameras: [],
      proprio: Float32Array.from(m.proprio),
      instruction: { taskId: m.instruction?.taskId ?? '', text: m.instruction?.text ?? '' },
      stampNs: Number(m.stampNs),
      index: Number(m.index),
    },
    cameraNames: m.cameras.map((c) => c.name ?? ''),
  };
}

function encodeStreams(streams: readonly StreamStats[]): momento.v1.StreamStats.$Properties[] {
  return streams.map((s) => ({
    name: s.name,
    entries: s.entries,
    merges: s.merges,
    mergedAt: [...s.mergedAt],
    attention: s.attention ? Array.from(s.attention) : [],
  }));
}

/** A StepResult as its protobuf message (the recorder and the policy server's replies). */
export function stepToProto(result: StepResult): momento.v1.IStepResult {
  const { chunk, timings, memory } = result;
  return {
    chunk: {
      dims: chunk.dims,
      horizon: chunk.horizon,
      values: Array.from(chunk.values),
      stampNs: chunk.stampNs,
      periodS: chunk.periodS,
    },
    timings: { ...timings },
    memory: { entries: memory.entries, merges: memory.merges, streams: encodeStreams(memory.streams) },
    step: result.step,
    ...(result.placement ? { placement: { ...result.placement } } : {}),
    ...(result.sourceEvents ? { sourceEvents: { ...result.sourceEvents } } : {}),
    ...(result.inputStampsNs ? { inputStamps: Object.entries(result.inputStampsNs).map(([input, stampNs]) => ({ input, stampNs })) } : {}),
  };
}

export function encodeStep(result: StepResult): Uint8Array {
  return pb.StepResult.encode(stepToProto(result)).finish();
}

/** The StepResult of a protobuf message (a recording, a policy server's reply). */
export function stepFromProto(m: momento.v1.IStepResult): StepResult {
  const memory: MemoryStats = {
    entries: m.memory?.entries ?? 0,
    merges: m.memory?.merges ?? 0,
    streams: (m.memory?.streams ?? []).map((s) => ({
      name: s.name ?? '',
      entries: s.entries ?? 0,
      merges: s.merges ?? 0,
      mergedAt: [...(s.mergedAt ?? [])],
      ...(s.attention && s.attention.length > 0 ? { attention: Float32Array.from(s.attention) } : {}),
    })),
  };
  return {
    chunk: {
      dims: m.chunk?.dims ?? 0,
      horizon: m.chunk?.horizon ?? 0,
      values: Float32Array.from(m.chunk?.values ?? []),
      stampNs: Number(m.chunk?.stampNs ?? 0),
      periodS: m.chunk?.periodS ?? 0,
    },
    timings: {
      preprocessMs: m.timings?.preprocessMs ?? 0,
      encoderMs: m.timings?.encoderMs ?? 0,
      memoryMs: m.timings?.memoryMs ?? 0,
      headMs: m.timings?.headMs ?? 0,
      totalMs: m.timings?.totalMs ?? 0,
    },
    memory,
    step: Number(m.step ?? 0),
    ...(m.placement ? { placement: { delayTicks: m.placement.delayTicks ?? 0, startIndex: m.placement.startIndex ?? 0, expired: m.placement.expired ?? false } } : {}),
    ...(m.sourceEvents ? { sourceEvents: { reconnects: m.sourceEvents.reconnects ?? 0, gapFrames: Number(m.sourceEvents.gapFrames ?? 0) } } : {}),
    ...(m.inputStamps && m.inputStamps.length > 0 ? { inputStampsNs: Object.fromEntries(m.inputStamps.map((s) => [s.input ?? '', Number(s.stampNs ?? 0)])) } : {}),
  };
}

export function decodeStep(bytes: Uint8Array): StepResult {
  return stepFromProto(pb.StepResult.decode(bytes));
}

export function encodeAction(action: Action): Uint8Array {
  return pb.Action.encode({
    values: Array.from(action.values),
    stampNs: action.stampNs,
    hold: action.hold,
    reason: action.reason,
    ...(action.tick !== undefined ? { tick: action.tick } : {}),
  }).finish();
}

export function decodeAction(bytes: Uint8Array): Action {
  const m = pb.Action.decode(bytes);
  const action: Action = { values: Float32Array.from(m.values), stampNs: Number(m.stampNs), hold: m.hold, reason: m.reason };
  return m.tick === undefined || m.tick === null ? action : { ...action, tick: Number(m.tick) };
}
