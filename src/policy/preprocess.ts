// Preprocessing per the manifest: camera frames (H x W x C uint8) become normalised CHW float32,
// proprio is standardised, the instruction becomes a task index (bundles without an instruction
// spec take no `task` input and accept any task id). Writes straight into batched
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
  if (manifest.observation.instruction) feeds.set('task', { data: new BigInt64Array(batch), dims: [batch] });
  return feeds;
}

/** Checks `obs` against the manifest's observation spec; throws naming the bad field and value. */
export function checkObservation(manifest: Manifest, obs: Observation): void {
  const spec = manifest.observation;
  for (const cam of spec.cameras) {
    const frame = obs.cameras.find((c) => c.name === cam.name);
    if (!frame) throw new TypeError(`observation ${obs.index}: camera '${cam.name}' missing (has ${obs.cameras.map((c) => `'${c.name}'`).join(', ') || 'none'})`);
    if (frame.height !== cam.height || frame.width !== cam.width || frame.channels !== cam.channels) {
      throw new RangeError(`observation ${obs.index}: camera '${cam.name}' is ${frame.height}x${frame.width}x${frame.channels}, the policy expects ${cam.height}x${cam.width}x${cam.channels}`);
    }
    const bytes = cam.height * cam.width * cam.channels;
    if (frame.data.length !== bytes) throw new RangeError(`observation ${obs.index}: camera '${cam.name}' has ${frame.data.length} bytes, expected ${bytes}`);
  }
  const p = spec.proprio;
  if (obs.proprio.length !== p.names.length) throw new RangeError(`observation ${obs.index}: proprio has ${obs.proprio.length} values, the policy expects ${p.names.length} (${p.names.join(', ')})`);
  obs.proprio.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new RangeError(`observation ${obs.index}: proprio '${p.names[i]}' is ${v}`);
  });
  const tasks = spec.instruction?.tasks;
  if (tasks && !tasks.includes(obs.instruction.taskId)) {
    throw new RangeError(`observation ${obs.index}: task '${obs.instruction.taskId}' is not one of the policy's tasks (${tasks.join(', ')})`);
  }
}

/** Writes observation `obs` (checked first) into batch slot `slot` of the inputs. */
export function writeObservation(manifest: Manifest, obs: Observation, feeds: Map<string, Feed>, slot: number): void {
  checkObservation(manifest, obs);
  const spec = manifest.observation;
  for (const cam of spec.cameras) {
    const frame = obs.cameras.find((c) => c.name === cam.name)!;
    writeFrame(frame.data, feeds.get(cam.name)!.data as Float32Array, slot * cam.height * cam.width * cam.channels, cam);
  }
  const p = spec.proprio;
  const proprio = feeds.get('proprio')!.data as Float32Array;
  for (let i = 0; i < p.names.length; i++) proprio[slot * p.names.length + i] = (obs.proprio[i]! - p.mean[i]!) / p.std[i]!;
  const tasks = spec.instruction?.tasks;
  if (tasks) (feeds.get('task')!.data as BigInt64Array)[slot] = BigInt(tasks.indexOf(obs.instruction.taskId));
}

/**
 * HWC uint8 → normalised CHW float32 at `base`: (pixel/255 - mean)/std folded into one
 * multiply-add, the channel constants hoisted out of the per-pixel loop, one pass over the source
 * (measured 25 % faster at B = 64 than a pass per channel, issue 12).
 */
function writeFrame(src: Uint8Array, out: Float32Array, base: number, cam: { readonly height: number; readonly width: number; readonly channels: number; readonly mean: readonly number[]; readonly std: readonly number[] }): void {
  const plane = cam.height * cam.width;
  const scale = (c: number): number => 1 / (255 * cam.std[c]!);
  const shift = (c: number): number => -cam.mean[c]! / cam.std[c]!;
  if (cam.channels === 3) {
    const [s0, s1, s2] = [scale(0), scale(1), scale(2)];
    const [h0, h1, h2] = [shift(0), shift(1), shift(2)];
    const r = out.subarray(base, base + plane);
    const g = out.subarray(base + plane, base + 2 * plane);
    const b = out.subarray(base + 2 * plane, base + 3 * plane);
    for (let i = 0, j = 0; i < plane; i++, j += 3) {
      r[i] = src[j]! * s0 + h0;
      g[i] = src[j + 1]! * s1 + h1;
      b[i] = src[j + 2]! * s2 + h2;
    }
    return;
  }
  const s0 = scale(0);
  const h0 = shift(0);
  for (let i = 0; i < plane; i++) out[base + i] = src[i]! * s0 + h0;
}
