// A generated observation stream that fits any bundle's observation spec: moving gradients on
// each camera, a slow proprio trajectory, the bundle's first task. For the demo, benchmarks and
// tests that need a stream without a simulator; deterministic for a seed.
import type { Manifest } from '../bundle/manifest.js';
import type { Observation } from '../core/types.js';

/** One frame per policy call by default (`execute` control periods apart). */
export function* syntheticObservations(manifest: Manifest, count: number, seed = 0, periodS = manifest.action.execute / manifest.action.rate_hz): Generator<Observation> {
  const tasks = manifest.observation.instruction?.tasks ?? ['reach'];
  const task = tasks[((seed % tasks.length) + tasks.length) % tasks.length]!;
  for (let i = 0; i < count; i++) {
    const cameras = manifest.observation.cameras.map((cam) => {
      const data = new Uint8Array(cam.height * cam.width * cam.channels);
      for (let y = 0; y < cam.height; y++) {
        for (let x = 0; x < cam.width; x++) {
          for (let c = 0; c < cam.channels; c++) data[(y * cam.width + x) * cam.channels + c] = (x * 7 + y * 3 + c * 50 + i * 5 + seed * 13) & 255;
        }
      }
      return { name: cam.name, height: cam.height, width: cam.width, channels: cam.channels, data };
    });
    const proprio = Float32Array.from(manifest.observation.proprio.names, (_, j) => 0.5 + 0.4 * Math.sin(0.1 * i + j + seed));
    yield { cameras, proprio, instruction: { taskId: task, text: task }, stampNs: Math.round(i * periodS * 1e9), index: i };
  }
}
