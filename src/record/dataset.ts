// The training format "momento-dataset/1": flat little-endian arrays over all frames of all
// episodes (images.u8, proprio.f32, actions.f32, task.i32, episode.i32) plus dataset.json, so a
// trainer can memory-map them with numpy. DatasetWriter writes it frame by frame (the `collect`
// command); exportDataset converts a folder of recorded episodes through it.
import { mkdir, open, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Action, CameraFrame, Observation } from '../core/types.js';
import { readEpisode } from './read-episode.js';
import { listEpisodeFiles } from './replay-source.js';

export const DATASET_FORMAT = 'momento-dataset/1';

export interface DatasetEpisodeMeta {
  /** Where the episode came from (an .mcap name, or a collect run's label). */
  readonly file: string;
  readonly task: string;
  readonly seed: number;
  readonly success: boolean;
  /** The task parameters the episode ran with (phase lengths, capacity), when known. */
  readonly params?: Readonly<Record<string, number>>;
  /** The split ('train' | 'test') of the episode's configuration, when known. */
  readonly split?: string;
}

export interface DatasetManifest {
  readonly format: typeof DATASET_FORMAT;
  readonly image: { readonly height: number; readonly width: number; readonly channels: number };
  /** The camera whose frames are in images.u8. */
  readonly camera: string;
  readonly proprio_dims: number;
  readonly action_dims: number;
  readonly frames: number;
  readonly tasks: readonly string[];
  /** `start` is the index of the episode's first frame in the arrays; `length` its frame count. */
  readonly episodes: readonly (DatasetEpisodeMeta & { readonly start: number; readonly length: number })[];
}

export interface DatasetWriterOptions {
  /** Camera to store. Default: the first camera of the first observation. */
  readonly camera?: string;
}

const FILES = ['images.u8', 'proprio.f32', 'actions.f32', 'task.i32', 'episode.i32'] as const;
type ArrayFile = (typeof FILES)[number];

interface DatasetShape {
  readonly camera: string;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly proprio: number;
  readonly action: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The bytes of a typed array in little-endian order (a view on LE hosts, a copy otherwise). */
function leBytes(values: Float32Array | Int32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  const out = new DataView(new ArrayBuffer(values.byteLength));
  values.forEach((v, i) => (values instanceof Float32Array ? out.setFloat32(i * 4, v, true) : out.setInt32(i * 4, v, true)));
  return new Uint8Array(out.buffer);
}

export class DatasetWriter implements AsyncDisposable {
  readonly #dir: string;
  readonly #handles: ReadonlyMap<ArrayFile, FileHandle>;
  readonly #cameraOption: string | undefined;
  // Writes are chained so that append() stays synchronous and the files keep frame order.
  #pending: Promise<void> = Promise.resolve();
  #error: unknown;
  #shape: DatasetShape | undefined;
  readonly #tasks: string[] = [];
  readonly #episodes: (DatasetEpisodeMeta & { start: number; length: number })[] = [];
  #frames = 0;
  #episodeStart = 0;
  #episodeTask: string | undefined;
  #closed = false;

  private constructor(dir: string, handles: ReadonlyMap<ArrayFile, FileHandle>, options: DatasetWriterOptions) {
    this.#dir = dir;
    this.#handles = handles;
    this.#cameraOption = options.camera;
  }

  static async create(outDir: string, options: DatasetWriterOptions = {}): Promise<DatasetWriter> {
    await mkdir(outDir, { recursive: true });
    const handles = new Map<ArrayFile, FileHandle>();
    for (const name of FILES) handles.set(name, await open(join(outDir, name), 'w'));
    return new DatasetWriter(outDir, handles, options);
  }

  get frames(): number {
    return this.#frames;
  }

  /** Adds one frame: the observation and the action executed right after it. */
  append(obs: Observation, action: Action): void {
    if (this.#closed) throw new Error('DatasetWriter.append: writer is closed');
    const shape = (this.#shape ??= this.#shapeFrom(obs, action));
    const frame = this.#camera(obs, shape.camera);
    if (frame.height !== shape.height || frame.width !== shape.width || frame.channels !== shape.channels) {
      throw new RangeError(
        `observation ${obs.index}: camera '${shape.camera}' is ${frame.height}x${frame.width}x${frame.channels}, ` +
          `dataset is ${shape.height}x${shape.width}x${shape.channels}`,
      );
    }
    if (obs.proprio.length !== shape.proprio) {
      throw new RangeError(`observation ${obs.index}: ${obs.proprio.length} proprio values, dataset has ${shape.proprio}`);
    }
    if (action.values.length !== shape.action) {
      throw new RangeError(`action at ${action.stampNs}: ${action.values.length} values, dataset has ${shape.action}`);
    }
    const task = obs.instruction.taskId;
    this.#episodeTask ??= task;
    let taskIndex = this.#tasks.indexOf(task);
    if (taskIndex < 0) taskIndex = this.#tasks.push(task) - 1;
    this.#write('images.u8', frame.data.slice());
    this.#write('proprio.f32', leBytes(obs.proprio));
    this.#write('actions.f32', leBytes(action.values));
    this.#write('task.i32', leBytes(Int32Array.of(taskIndex)));
    this.#write('episode.i32', leBytes(Int32Array.of(this.#episodes.length)));
    this.#frames++;
  }

  /** Closes the current episode: the frames appended since the last call belong to it. */
  endEpisode(meta: DatasetEpisodeMeta): void {
    if (this.#closed) throw new Error('DatasetWriter.endEpisode: writer is closed');
    const task = meta.task || this.#episodeTask || '';
    if (!this.#tasks.includes(task)) this.#tasks.push(task);
    this.#episodes.push({ ...meta, task, start: this.#episodeStart, length: this.#frames - this.#episodeStart });
    this.#episodeStart = this.#frames;
    this.#episodeTask = undefined;
  }

  /** Finishes the arrays and writes dataset.json; returns the manifest. */
  async close(): Promise<DatasetManifest> {
    if (this.#closed) throw new Error('DatasetWriter.close: already closed');
    this.#closed = true;
    await this.#pending;
    for (const handle of this.#handles.values()) await handle.close();
    if (this.#error !== undefined) throw new Error(`writing dataset in ${this.#dir} failed`, { cause: this.#error });
    if (this.#frames !== this.#episodeStart) {
      throw new Error(`DatasetWriter.close: ${this.#frames - this.#episodeStart} frames appended after the last endEpisode()`);
    }
    const shape = this.#shape;
    const manifest: DatasetManifest = {
      format: DATASET_FORMAT,
      image: { height: shape?.height ?? 0, width: shape?.width ?? 0, channels: shape?.channels ?? 0 },
      camera: shape?.camera ?? '',
      proprio_dims: shape?.proprio ?? 0,
      action_dims: shape?.action ?? 0,
      frames: this.#frames,
      tasks: [...this.#tasks],
      episodes: [...this.#episodes],
    };
    await writeFile(join(this.#dir, 'dataset.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pending;
    for (const handle of this.#handles.values()) await handle.close();
  }

  #shapeFrom(obs: Observation, action: Action): DatasetShape {
    const camera = this.#cameraOption ?? obs.cameras[0]?.name;
    if (camera === undefined) throw new RangeError(`observation ${obs.index} has no camera; the dataset needs one`);
    const frame = this.#camera(obs, camera);
    return { camera, height: frame.height, width: frame.width, channels: frame.channels, proprio: obs.proprio.length, action: action.values.length };
  }

  #camera(obs: Observation, name: string): CameraFrame {
    const frame = obs.cameras.find((c) => c.name === name);
    if (!frame) throw new RangeError(`observation ${obs.index} has no camera '${name}'`);
    return frame;
  }

  #write(file: ArrayFile, bytes: Uint8Array): void {
    const handle = this.#handles.get(file);
    if (!handle) return;
    this.#pending = this.#pending.then(async () => {
      if (this.#error === undefined) await handle.write(bytes).catch((error: unknown) => (this.#error = error));
    });
  }
}

/**
 * Pairs each observation with the first action stamped at or after it and before the next
 * observation; observations without one (the final frame, or frames the live loop skipped) are left out.
 */
export function pairObservationsWithActions(
  observations: readonly Observation[],
  actions: readonly Action[],
): { obs: Observation; action: Action }[] {
  const pairs: { obs: Observation; action: Action }[] = [];
  let a = 0;
  for (let i = 0; i < observations.length; i++) {
    const obs = observations[i];
    if (!obs) continue;
    while (a < actions.length && (actions[a]?.stampNs ?? 0) < obs.stampNs) a++;
    const action = actions[a];
    const next = observations[i + 1];
    if (action && (!next || action.stampNs < next.stampNs)) {
      pairs.push({ obs, action });
      a++;
    }
  }
  return pairs;
}

/** Converts a folder of episode files (name order) into a "momento-dataset/1" folder. */
export async function exportDataset(episodesDir: string, outDir: string, options: DatasetWriterOptions = {}): Promise<DatasetManifest> {
  const writer = await DatasetWriter.create(outDir, options);
  try {
    for (const file of await listEpisodeFiles(episodesDir)) {
      const episode = await readEpisode(file);
      for (const { obs, action } of pairObservationsWithActions(episode.observations, episode.actions)) writer.append(obs, action);
      writer.endEpisode({
        file: basename(file),
        task: episode.info.task,
        seed: episode.info.seed,
        success: episode.outcome?.success ?? false,
        ...(episode.info.setting ? { params: episode.info.setting.params, split: episode.info.setting.split } : {}),
      });
    }
  } catch (error) {
    await writer[Symbol.asyncDispose]();
    throw error;
  }
  return writer.close();
}
