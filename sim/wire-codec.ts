// The simulator's side of the wire: SimRequest frames in, SimResponse frames out (protobuf,
// proto/momento.proto). A frame that does not decode becomes a 'bad-frame' SimRequestError.
import { pb } from '../src/core/wire.js';
import type { momento } from '../src/core/wire.js';
import type { EnvTransition } from './env.js';
import { SimRequestError } from './errors.js';
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
  return pb.SimResponse.encode({ id, tasks: { tasks: tasks.map((t) => ({ ...t })) } }).finish();
}
