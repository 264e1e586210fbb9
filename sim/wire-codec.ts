// The simulator's side of the wire: SimRequest frames in, SimResponse frames out (protobuf,
// proto/momento.proto). A frame that does not decode becomes a 'bad-frame' SimRequestError.
import { pb } from '../src/core/wire.js';
import type { momento } from '../src/core/wire.js';
import type { EnvTransition } from './env.js';
import { SimRequestError, quoted } from './errors.js';
import type { SimErrorCode } from './errors.js';
import type { TaskInfo } from './tasks/registry.js';

export type SimRequestMessage = momento.v1.SimRequest;

export function decodeRequest(frame: Uint8Array): SimRequestMessage {
  try {
    return pb.SimRequest.decode(frame);
  } catch (error) {
    throw new SimRequestError('bad-frame', `frame of ${frame.length} bytes is not a SimRequest: ${(error as Error).message}`, { cause: error });
  }
}

/** A transition frame; `stampNs` overrides the simulated stamp (real-time mode uses the wall clock). */
export function encodeTransition(id: number, transition: EnvTransition, privilegedJson: string, stampNs?: number): Uint8Array {
  const { observation } = transition;
  const cameras = observation.cameras.map((frame) => ({
    name: frame.name,
    dtype: pb.DType.UINT8,
    shape: [frame.height, frame.width, frame.channels],
    data: frame.data,
  }));
  return pb.SimResponse.encode({
    id,
    transition: {
      observation: {
        cameras,
        proprio: Array.from(observation.proprio),
        instruction: { taskId: observation.instruction.taskId, text: observation.instruction.text },
        stampNs: stampNs ?? observation.stampNs,
        index: observation.index,
      },
      reward: transition.reward,
      done: transition.done,
      success: transition.success,
      privilegedJson,
      step: transition.step,
      locked: transition.locked,
      params: Object.entries(transition.setting.params).map(([name, value]) => ({ name, value })),
      memorylessChance: transition.setting.memorylessChance,
      maxSteps: transition.setting.maxSteps,
      split: transition.setting.split,
    },
  }).finish();
}

/** Error messages are cut to this length: whatever a request carried, the answer stays small. */
const MAX_ERROR_CHARS = 1024;

export function encodeError(id: number, code: SimErrorCode, message: string): Uint8Array {
  const text = message.length > MAX_ERROR_CHARS ? `${message.slice(0, MAX_ERROR_CHARS)}…` : message;
  return pb.SimResponse.encode({ id, error: { code, message: text } }).finish();
}

export function encodeTaskList(id: number, tasks: readonly TaskInfo[]): Uint8Array {
  const info = (t: TaskInfo): momento.v1.TaskInfo.$Properties => ({
    ...t,
    params: t.params.map((p) => ({
      name: p.name,
      kind: p.kind,
      trainMin: p.train[0],
      trainMax: p.train[1],
      limitMin: p.limit[0],
      limitMax: p.limit[1],
      values: [...(p.values ?? [])],
      legacy: p.legacy,
      description: p.description,
    })),
  });
  return pb.SimResponse.encode({ id, tasks: { tasks: tasks.map(info) } }).finish();
}

/** The parameters a reset asks for, by name; a name given twice is refused. */
export function resetParams(reset: momento.v1.SimReset.$Properties): Record<string, number> {
  // No prototype: a parameter named '__proto__' is an unknown name like any other, not a no-op.
  const params = Object.create(null) as Record<string, number>;
  for (const param of reset.params ?? []) {
    const name = param.name ?? '';
    const value = param.value ?? 0;
    if (Object.hasOwn(params, name)) throw new SimRequestError('bad-reset', `reset.params sets ${quoted(name)} twice`);
    params[name] = value;
  }
  return params;
}
