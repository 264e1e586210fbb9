// Preprocessing per the manifest: camera frames (H x W x C uint8) become normalised CHW float32,
// proprio is standardised, the instruction becomes a task index. Writes straight into batched
// input buffers so a batch of sessions costs one allocation per tensor.
import type { Manifest } from '../bundle/manifest.js';
import type { Observation } from '../core/types.js';
import type { Feed } from '../onnx/graph.js';

/** Allocates the encoder's runtime-provided inputs for a batch of `batch` observations. */
export function allocateInputs(manifest: Manifest, batch: number): Map<string, Feed> {
  const feeds = new Map<string, Feed>();
  for (const cam of manifest.observation.cameras) {
    feeds.set(cam.name, { data: new Float32Array(batch * cam.channels * cam.height * cam.width), dims: [batch, cam.channels, cam.height, cam.width] });
  }
  const p = manifest.observation.proprio.names.length;
  feeds.set('proprio', { data: new Float32Array(batch * p), dims: [batch, p] });
  feeds.set('task', { data: new BigInt64Array(batch), dims: [batch] });
  return feeds;
}

/** Writes observation `obs` into batch slot `slot` of the inputs; throws naming the bad field. */
export function writeObservation(manifest: Manifest, obs: Observation, feeds: Map<string, Feed>, slot: number): void {
  const spec = manifest.observation;
  for (const cam of spec.cameras) {
    const frame = obs.cameras.find((c) => c.name === cam.name);
    if (!frame) throw new TypeError(`observation ${obs.index}: camera '${cam.name}' missing (has ${obs.cameras.map((c) => `'${c.name}'`).join(', ') || 'none'})`);
    if (frame.height !== cam.height || frame.width !== cam.width || frame.channels !== cam.channels) {
      throw new RangeError(`observation ${obs.index}: camera '${cam.name}' is ${frame.height}x${frame.width}x${frame.channels}, the policy expects ${cam.height}x${cam.width}x${cam.channels}`);
    }
    const plane = cam.height * cam.width;
    if (frame.data.length !== plane * cam.channels) throw new RangeError(`observation ${obs.index}: camera '${cam.name}' has ${frame.data.length} bytes, expected ${plane * cam.channels}`);
    const out = feeds.get(cam.name)!.data as Float32Array;
    const base = slot * plane * cam.channels;
    for (let c = 0; c < cam.channels; c++) {
      // (pixel/255 - mean)/std folded into one multiply-add per pixel.
      const scale = 1 / (255 * cam.std[c]!);
      const shift = -cam.mean[c]! / cam.std[c]!;
      const dst = base + c * plane;
      for (let i = 0, src = c; i < plane; i++, src += cam.channels) out[dst + i] = frame.data[src]! * scale + shift;
    }
  }
  const p = spec.proprio;
  if (obs.proprio.length !== p.names.length) throw new RangeError(`observation ${obs.index}: proprio has ${obs.proprio.length} values, the policy expects ${p.names.length} (${p.names.join(', ')})`);
  const proprio = feeds.get('proprio')!.data as Float32Array;
  for (let i = 0; i < p.names.length; i++) {
    const v = obs.proprio[i]!;
    if (!Number.isFinite(v)) throw new RangeError(`observation ${obs.index}: proprio '${p.names[i]}' is ${v}`);
    proprio[slot * p.names.length + i] = (v - p.mean[i]!) / p.std[i]!;
  }
  const task = spec.instruction.tasks.indexOf(obs.instruction.taskId);
  if (task < 0) throw new RangeError(`observation ${obs.index}: task '${obs.instruction.taskId}' is not one of the policy's tasks (${spec.instruction.tasks.join(', ')})`);
  (feeds.get('task')!.data as BigInt64Array)[slot] = BigInt(task);
}
