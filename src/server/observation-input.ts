// The server's boundary for observations: a decoded protobuf Observation checked against the
// bundle's observation spec and turned into the runtime's Observation. Every refusal is a
// ServerFault naming the field (observation.cameras[0].data, observation.proprio[2], …) and value.
import type { Manifest } from '../bundle/manifest.js';
import type { CameraFrame, Observation } from '../core/types.js';
import { pb, type momento } from '../core/wire.js';
import { ServerFault, shown } from './fault.js';

const DTYPE_BYTES: Readonly<Record<number, number>> = { [pb.DType.FLOAT32]: 4, [pb.DType.UINT8]: 1, [pb.DType.INT64]: 8, [pb.DType.INT32]: 4 };
const MAX_CAMERAS = 16;

function dtypeName(dtype: number): string {
  return pb.DType[dtype] ?? String(dtype);
}

export function observationFromWire(manifest: Manifest, message: momento.v1.IObservation | null | undefined): Observation {
  if (!message) throw new ServerFault('bad-field', 'step.observation', 'missing', 'a step needs an observation');
  const spec = manifest.observation;
  const tensors = message.cameras ?? [];
  if (tensors.length > MAX_CAMERAS) throw new ServerFault('bad-field', 'observation.cameras', `${tensors.length} tensors`, `at most ${MAX_CAMERAS} cameras`);
  const cameras: CameraFrame[] = [];
  for (const cam of spec.cameras) {
    const i = tensors.findIndex((t) => t.name === cam.name);
    const t = tensors[i];
    if (!t) {
      throw new ServerFault('bad-field', 'observation.cameras', shown(tensors.map((x) => x.name ?? '')), `camera '${cam.name}' missing`);
    }
    const field = `observation.cameras[${i}]`;
    const dtype = t.dtype ?? 0;
    const shape = t.shape ?? [];
    const data = t.data ?? new Uint8Array(0);
    const width = DTYPE_BYTES[dtype];
    if (width === undefined) throw new ServerFault('bad-tensor', `${field}.dtype`, dtypeName(dtype), `camera '${cam.name}': unknown dtype`);
    const expectedBytes = shape.reduce((n, d) => n * d, width);
    if (data.length !== expectedBytes) {
      throw new ServerFault('bad-tensor', `${field}.data`, `${data.length} bytes`, `camera '${cam.name}': dtype ${dtypeName(dtype)} x shape [${shape.join(', ')}] is ${expectedBytes} bytes`);
    }
    if (dtype !== pb.DType.UINT8) throw new ServerFault('bad-tensor', `${field}.dtype`, dtypeName(dtype), `camera '${cam.name}' must be UINT8`);
    const want = [cam.height, cam.width, cam.channels];
    if (shape.length !== 3 || shape.some((d, k) => d !== want[k])) {
      throw new ServerFault('bad-tensor', `${field}.shape`, shown(shape), `camera '${cam.name}' must have shape [${want.join(', ')}] (H, W, C)`);
    }
    cameras.push({ name: cam.name, height: cam.height, width: cam.width, channels: cam.channels, data });
  }
  const names = spec.proprio.names;
  const values = message.proprio ?? [];
  if (values.length !== names.length) throw new ServerFault('bad-field', 'observation.proprio', `${values.length} values`, `expected ${names.length} (${names.join(', ')})`);
  const proprio = new Float32Array(values.length);
  values.forEach((v, i) => {
    if (typeof v !== 'number') throw new ServerFault('bad-field', `observation.proprio[${i}]`, shown(v), 'not a number');
    if (!Number.isFinite(v)) throw new ServerFault('non-finite', `observation.proprio[${i}]`, String(v), `proprio '${names[i]}' must be finite`);
    proprio[i] = v;
  });
  const taskId = message.instruction?.taskId ?? '';
  const tasks = spec.instruction?.tasks;
  if (tasks && !tasks.includes(taskId)) {
    throw new ServerFault('bad-field', 'observation.instruction.task_id', shown(taskId), `not one of the bundle's tasks (${shown(tasks.join(', '), 200)})`);
  }
  const stampNs = Number(message.stampNs ?? 0);
  const index = Number(message.index ?? 0);
  if (!Number.isSafeInteger(stampNs)) throw new ServerFault('bad-field', 'observation.stamp_ns', shown(message.stampNs), 'not a safe integer');
  if (!Number.isSafeInteger(index) || index < 0) throw new ServerFault('bad-field', 'observation.index', shown(message.index), 'not a non-negative safe integer');
  return { cameras, proprio, instruction: { taskId, text: (message.instruction?.text ?? '').slice(0, 1024) }, stampNs, index };
}

export function observationToWire(obs: Observation): momento.v1.IObservation {
  return {
    cameras: obs.cameras.map((c) => ({ name: c.name, dtype: pb.DType.UINT8, shape: [c.height, c.width, c.channels], data: c.data })),
    proprio: Array.from(obs.proprio),
    instruction: { taskId: obs.instruction.taskId, text: obs.instruction.text },
    stampNs: obs.stampNs,
    index: obs.index,
  };
}
