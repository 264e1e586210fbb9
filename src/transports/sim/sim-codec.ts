// The client's side of the simulator wire: typed requests to SimRequest frames, SimResponse
// frames to typed replies, and the protobuf Observation to the runtime's Observation
// (one CameraFrame named 'rgb'). Malformed replies throw a TypeError naming the field.
import { pb } from '../../core/wire.js';
import type { momento } from '../../core/wire.js';
import type { TaskSetting, Transition } from '../../core/interfaces.js';
import type { CameraFrame, Observation } from '../../core/types.js';

export type SimMode = 'lockstep' | 'realtime';

/** One simulator step as the client sees it: an environment transition plus the simulator's extras. */
export interface SimTransition extends Transition {
  /** The task's hidden state as JSON: for experts and debugging, never a policy input. */
  readonly privilegedJson: string;
  readonly step: number;
  /** true while the task ignores actions (cue, delay, shuffle, retract). */
  readonly locked: boolean;
}

/** A task parameter as the simulator declares it (TaskParamSpec). */
export interface SimTaskParam {
  readonly name: string;
  /** 'phase' (a phase length or count) or 'capacity' (how many things to tell apart). */
  readonly kind: string;
  readonly train: readonly [number, number];
  readonly limit: readonly [number, number];
  /** When not empty, the only values accepted. */
  readonly values: readonly number[];
  readonly legacy: number;
  readonly description: string;
}

export interface SimTaskInfo {
  readonly id: string;
  readonly text: string;
  readonly needsMemory: boolean;
  /** Best success rate of a policy without memory, at the legacy setting. */
  readonly memorylessChance: number;
  /** Time limit at the legacy setting. */
  readonly maxSteps: number;
  readonly controlRateHz: number;
  readonly params?: readonly SimTaskParam[];
}

export type SimRequestBody =
  | { readonly kind: 'reset'; readonly task: string; readonly seed: number; readonly mode: SimMode; readonly imageSize: number; readonly params?: Readonly<Record<string, number>> }
  | { readonly kind: 'step'; readonly action: readonly number[] }
  | { readonly kind: 'list-tasks' };

export type SimReply =
  | { readonly id: number; readonly kind: 'transition'; readonly transition: SimTransition }
  | { readonly id: number; readonly kind: 'error'; readonly code: string; readonly message: string }
  | { readonly id: number; readonly kind: 'tasks'; readonly tasks: readonly SimTaskInfo[] };

export function encodeRequest(id: number, body: SimRequestBody): Uint8Array {
  switch (body.kind) {
    case 'reset': {
      const mode = body.mode === 'realtime' ? pb.SimMode.REALTIME : pb.SimMode.LOCKSTEP;
      return pb.SimRequest.encode({ id, reset: { task: body.task, seed: body.seed, mode, imageSize: body.imageSize, params: Object.entries(body.params ?? {}).map(([name, value]) => ({ name, value })) } }).finish();
    }
    case 'step':
      return pb.SimRequest.encode({ id, step: { action: [...body.action] } }).finish();
    case 'list-tasks':
      return pb.SimRequest.encode({ id, listTasks: {} }).finish();
  }
}

export function decodeReply(frame: Uint8Array): SimReply {
  let response: momento.v1.SimResponse;
  try {
    response = pb.SimResponse.decode(frame);
  } catch (error) {
    throw new TypeError(`frame of ${frame.length} bytes is not a SimResponse: ${(error as Error).message}`, { cause: error });
  }
  const { id } = response;
  switch (response.body) {
    case 'transition':
      return { id, kind: 'transition', transition: toTransition(response.transition ?? {}) };
    case 'error':
      return { id, kind: 'error', code: response.error?.code ?? '', message: response.error?.message ?? '' };
    case 'tasks':
      return { id, kind: 'tasks', tasks: (response.tasks?.tasks ?? []).map(toTaskInfo) };
    case undefined:
      throw new TypeError(`SimResponse ${id} has no body`);
  }
}

function toTransition(message: momento.v1.SimTransition.$Properties): SimTransition {
  if (!message.observation) throw new TypeError('SimTransition has no observation');
  return {
    observation: toObservation(message.observation),
    reward: message.reward ?? 0,
    done: message.done ?? false,
    success: message.success ?? false,
    privilegedJson: message.privilegedJson ?? '',
    step: message.step ?? 0,
    locked: message.locked ?? false,
    ...(message.split ? { setting: toSetting(message) } : {}),
  };
}

function toSetting(message: momento.v1.SimTransition.$Properties): TaskSetting {
  const params: Record<string, number> = {};
  for (const p of message.params ?? []) params[p.name ?? ''] = p.value ?? 0;
  return { params, memorylessChance: message.memorylessChance ?? 0, maxSteps: message.maxSteps ?? 0, split: message.split ?? '' };
}

export function toObservation(message: momento.v1.Observation.$Properties): Observation {
  return {
    cameras: (message.cameras ?? []).map(toCameraFrame),
    proprio: Float32Array.from(message.proprio ?? []),
    instruction: { taskId: message.instruction?.taskId ?? '', text: message.instruction?.text ?? '' },
    stampNs: Number(message.stampNs ?? 0),
    index: Number(message.index ?? 0),
  };
}

function toCameraFrame(tensor: momento.v1.Tensor.$Properties): CameraFrame {
  const name = tensor.name ?? '';
  const shape = tensor.shape ?? [];
  const data = tensor.data ?? new Uint8Array(0);
  if (tensor.dtype !== pb.DType.UINT8) throw new TypeError(`camera '${name}' must be UINT8, got dtype ${String(tensor.dtype)}`);
  const [height, width, channels] = shape;
  if (shape.length !== 3 || height === undefined || width === undefined || channels === undefined) {
    throw new TypeError(`camera '${name}' must have shape [H, W, C], got [${shape.join(', ')}]`);
  }
  if (data.length !== height * width * channels) {
    throw new TypeError(`camera '${name}' has shape [${shape.join(', ')}] but ${data.length} bytes`);
  }
  return { name, height, width, channels, data };
}

function toTaskInfo(info: momento.v1.TaskInfo.$Properties): SimTaskInfo {
  return {
    id: info.id ?? '',
    text: info.text ?? '',
    needsMemory: info.needsMemory ?? false,
    memorylessChance: info.memorylessChance ?? 0,
    maxSteps: info.maxSteps ?? 0,
    controlRateHz: info.controlRateHz ?? 0,
    params: (info.params ?? []).map((p) => ({
      name: p.name ?? '',
      kind: p.kind ?? '',
      train: [p.trainMin ?? 0, p.trainMax ?? 0] as const,
      limit: [p.limitMin ?? 0, p.limitMax ?? 0] as const,
      values: [...(p.values ?? [])],
      legacy: p.legacy ?? 0,
      description: p.description ?? '',
    })),
  };
}
