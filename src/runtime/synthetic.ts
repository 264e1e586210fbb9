// A generated observation stream that fits any bundle's observation spec: the recorder's
// synthetic image (record/synthetic-episode.ts) at each camera's size, a slow proprio
// trajectory, the bundle's first task. For the demo, benchmarks and tests that need a stream
// without a simulator; deterministic for a seed, and generated lazily, frame by frame.
import { Observable } from 'rxjs';
import type { Manifest } from '../bundle/manifest.js';
import type { ObservationSource } from '../core/interfaces.js';
import type { Observation } from '../core/types.js';
import { syntheticImage } from '../record/synthetic-episode.js';

/** One frame per policy call by default (`execute` control periods apart). */
export function* syntheticObservations(manifest: Manifest, count: number, seed = 0, periodS = manifest.action.execute / manifest.action.rate_hz): Generator<Observation> {
  const tasks = manifest.observation.instruction?.tasks ?? ['reach'];
  const task = tasks[((seed % tasks.length) + tasks.length) % tasks.length]!;
  for (let i = 0; i < count; i++) {
    const cameras = manifest.observation.cameras.map((cam) => ({
      name: cam.name,
      height: cam.height,
      width: cam.width,
      channels: cam.channels,
      data: syntheticImage(i, cam.height, cam.width, cam.channels, seed),
    }));
    const proprio = Float32Array.from(manifest.observation.proprio.names, (_, j) => 0.5 + 0.4 * Math.sin(0.1 * i + j + seed));
    yield { cameras, proprio, instruction: { taskId: task, text: task }, stampNs: Math.round(i * periodS * 1e9), index: i };
  }
}

/**
 * `count` synthetic frames as a replay source that generates each frame only when it is pulled
 * (`frames`), so `run --source synthetic:N` holds one frame at a time for any N. `observation$`
 * emits them one by one, yielding to the event loop between frames.
 */
export function syntheticSource(manifest: Manifest, count: number, seed = 0): ObservationSource {
  const frames = async function* (): AsyncGenerator<Observation> {
    yield* syntheticObservations(manifest, count, seed);
  };
  const observation$ = new Observable<Observation>((subscriber) => {
    let stopped = false;
    void (async () => {
      for await (const obs of frames()) {
        if (stopped) return;
        subscriber.next(obs);
      }
      subscriber.complete();
    })();
    return () => {
      stopped = true;
    };
  });
  return { kind: 'replay', observation$, frames };
}
