// McapRecorder: the EpisodeSink that writes one indexed, chunk-compressed MCAP file per episode.
// Sink calls only enqueue (the control loop never waits on the disk); one async drain writes
// them in order. A killed process leaves every completed chunk readable (see readEpisode).
import { mkdir, open } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { McapWriter, type IWritable } from '@mcap/core';
import { FileHandleWritable } from '@mcap/nodejs';
import type { EpisodeOutcome, EpisodeSink, EpisodeStart } from '../core/interfaces.js';
import { deferred, type Deferred } from '../core/deferred.js';
import type { Action, CameraFrame, Observation, StepResult } from '../core/types.js';
import { cameraTopic, encodeAction, encodeCameraFrame, encodeObservation, encodeStep } from './codec.js';
import { chunkCompressor, type ChunkCompression, type CompressChunk } from './compression.js';
import { RecordQueue, type DropClass } from './record-queue.js';
import { momentoVersion } from './version.js';
import { episodeMetadata, outcomeMetadata } from './episode-metadata.js';
import { momentoSchema, rawImageSchema, type RecordSchema } from './schemas.js';
import { META_EPISODE, META_OUTCOME, TOPIC_ACTION, TOPIC_OBSERVATION, TOPIC_STEP } from './topics.js';

/** Where an episode's bytes go: McapWriter's IWritable plus a close. */
export interface EpisodeWritable extends IWritable {
  close(): Promise<void>;
}

export interface McapRecorderOptions {
  /** Folder for the episode files; created if missing. */
  readonly dir: string;
  /**
   * File name (relative to `dir`) for each episode. Default `<task>-<seed>-<UTC time>.mcap`. A
   * fixed string gets `-1`, `-2`, … for later episodes of the same recorder.
   */
  readonly fileName?: string | ((info: EpisodeStart, startedAt: Date) => string);
  /** Uncompressed bytes per chunk. Default 256 KiB: a crash loses at most the open chunk (~2 s of a 64 px camera at 10 Hz). */
  readonly chunkSize?: number;
  /** Chunk compression. Default 'zstd'. */
  readonly compression?: ChunkCompression;
  /** zstd level. Default 3 (fast enough to keep up with several cameras; higher levels gain little on camera frames). */
  readonly zstdLevel?: number;
  /** Most messages waiting to be written before frames are dropped. Default 256. */
  readonly maxQueue?: number;
  /** Most bytes waiting to be written before frames are dropped. Default 64 MiB. */
  readonly maxQueueBytes?: number;
  /** Opens an episode file. Default: a new file (never overwriting one) through @mcap/nodejs. */
  readonly openWritable?: (path: string) => Promise<EpisodeWritable>;
  /** Written into the `episode` metadata. Default: the version in momento's package.json. */
  readonly momentoVersion?: string;
}

export interface RecorderStats {
  /** Camera images of the current (or last) episode that were dropped instead of written. */
  readonly droppedFrames: number;
  /** Observation, step and action messages of that episode that were dropped. */
  readonly droppedMessages: number;
  readonly writtenMessages: number;
  /** Chunks closed and handed to the file (what survives a crash once written). */
  readonly chunksWritten: number;
  readonly bytesWritten: number;
  readonly queuedMessages: number;
  readonly queuedBytes: number;
}

interface Episode {
  readonly path: string;
  readonly info: EpisodeStart;
  readonly startedAt: Date;
  droppedFrames: number;
  droppedMessages: number;
  writtenMessages: number;
  actions: number;
  writer?: McapWriter;
  writable?: EpisodeWritable;
  readonly channels: Map<string, number>;
  error?: Error;
}

type Op =
  | { kind: 'open'; episode: Episode; dropClass: undefined; weight: 0 }
  | { kind: 'close'; episode: Episode; outcome: EpisodeOutcome | undefined; done: Deferred; dropClass: undefined; weight: 0 }
  | { kind: 'camera'; episode: Episode; frame: CameraFrame; stampNs: number; index: number; dropClass: DropClass; weight: number }
  | { kind: 'observation'; episode: Episode; obs: Observation; dropClass: DropClass; weight: number }
  | { kind: 'step'; episode: Episode; result: StepResult; dropClass: DropClass; weight: number }
  | { kind: 'action'; episode: Episode; action: Action; sequence: number; dropClass: DropClass; weight: number };

const DEFAULT_CHUNK_SIZE = 256 * 1024;
const DEFAULT_MAX_QUEUE = 256;
const DEFAULT_MAX_QUEUE_BYTES = 64 * 1024 * 1024;

async function openFileWritable(path: string): Promise<EpisodeWritable> {
  const handle = await open(path, 'wx');
  const writable = new FileHandleWritable(handle);
  return {
    write: (buffer) => writable.write(buffer),
    position: () => writable.position(),
    close: () => handle.close(),
  };
}

const toTime = (ns: number): bigint => BigInt(Math.max(0, Math.round(ns)));

function defaultFileName(info: EpisodeStart, startedAt: Date): string {
  const task = info.task.replace(/[^A-Za-z0-9_.-]+/g, '_') || 'episode';
  const time = startedAt.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${task}-${info.seed}-${time}.mcap`;
}

export class McapRecorder implements EpisodeSink, AsyncDisposable {
  readonly #dir: string;
  readonly #options: McapRecorderOptions;
  readonly #compress: CompressChunk | undefined;
  readonly #version: string;
  readonly #queue: RecordQueue<Op>;
  readonly #usedPaths = new Set<string>();
  #current: Episode | undefined;
  #last: Episode | undefined;
  #draining: Promise<void> | undefined;
  #idle = deferred();

  private constructor(options: McapRecorderOptions, compress: CompressChunk | undefined, version: string) {
    this.#dir = resolve(options.dir);
    this.#options = options;
    this.#compress = compress;
    this.#version = version;
    this.#queue = new RecordQueue<Op>(
      {
        maxItems: options.maxQueue ?? DEFAULT_MAX_QUEUE,
        maxBytes: options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES,
      },
      (op) => {
        if (op.kind === 'camera') op.episode.droppedFrames++;
        else op.episode.droppedMessages++;
      },
    );
    this.#idle.resolve();
  }

  static async create(options: McapRecorderOptions): Promise<McapRecorder> {
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!(chunkSize > 0)) throw new RangeError(`chunkSize must be > 0, got ${chunkSize}`);
    const compress = await chunkCompressor(options.compression ?? 'zstd', options.zstdLevel);
    await mkdir(options.dir, { recursive: true });
    const recorder = new McapRecorder(options, compress, options.momentoVersion ?? momentoVersion());
    return recorder;
  }

  /** Path of the current episode's file, or of the last one after end(). */
  get file(): string | undefined {
    return (this.#current ?? this.#last)?.path;
  }

  /** Camera images dropped from the current (or last) episode because the writer fell behind. */
  get droppedFrames(): number {
    return (this.#current ?? this.#last)?.droppedFrames ?? 0;
  }

  get stats(): RecorderStats {
    const episode = this.#current ?? this.#last;
    return {
      droppedFrames: episode?.droppedFrames ?? 0,
      droppedMessages: episode?.droppedMessages ?? 0,
      writtenMessages: episode?.writtenMessages ?? 0,
      chunksWritten: episode?.writer?.statistics?.chunkCount ?? 0,
      bytesWritten: Number(episode?.writable?.position() ?? 0n),
      queuedMessages: this.#queue.messages,
      queuedBytes: this.#queue.bytes,
    };
  }

  start(info: EpisodeStart): void {
    if (this.#current) throw new Error(`McapRecorder.start: episode ${this.#current.path} has not ended`);
    const startedAt = new Date();
    const episode: Episode = {
      path: this.#pathFor(info, startedAt),
      info,
      startedAt,
      droppedFrames: 0,
      droppedMessages: 0,
      writtenMessages: 0,
      actions: 0,
      channels: new Map(),
    };
    this.#current = episode;
    this.#enqueue({ kind: 'open', episode, dropClass: undefined, weight: 0 });
  }

  observation(obs: Observation): void {
    const episode = this.#require('observation');
    for (const frame of obs.cameras) {
      this.#enqueue({ kind: 'camera', episode, frame, stampNs: obs.stampNs, index: obs.index, dropClass: 'camera', weight: frame.data.byteLength });
    }
    this.#enqueue({ kind: 'observation', episode, obs, dropClass: 'observation', weight: 64 + obs.proprio.byteLength + 32 * obs.cameras.length });
  }

  step(result: StepResult): void {
    const episode = this.#require('step');
    const attention = result.memory.streams.reduce((n, s) => n + (s.attention?.byteLength ?? 0), 0);
    this.#enqueue({ kind: 'step', episode, result, dropClass: 'other', weight: 256 + result.chunk.values.byteLength + attention });
  }

  action(action: Action): void {
    const episode = this.#require('action');
    this.#enqueue({ kind: 'action', episode, action, sequence: episode.actions++, dropClass: 'other', weight: 32 + action.values.byteLength });
  }

  /** Writes the `outcome` metadata and the summary, closes the file; resolves once it is complete on disk. */
  end(outcome: EpisodeOutcome): Promise<void> {
    const episode = this.#current;
    if (!episode) return Promise.reject(new Error('McapRecorder.end: no episode was started'));
    return this.#close(episode, outcome);
  }

  /** Resolves when everything queued so far has been handed to the file. */
  async flushed(): Promise<void> {
    while (this.#queue.length > 0 || this.#draining) await this.#idle.promise;
  }

  /** Ends an open episode without an outcome (the file stays complete and indexed) and waits for the writer. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#current) await this.#close(this.#current, undefined).catch(() => undefined);
    await this.flushed();
  }

  #close(episode: Episode, outcome: EpisodeOutcome | undefined): Promise<void> {
    this.#current = undefined;
    this.#last = episode;
    const done = deferred();
    this.#enqueue({ kind: 'close', episode, outcome, done, dropClass: undefined, weight: 0 });
    return done.promise;
  }

  #require(call: string): Episode {
    if (!this.#current) throw new Error(`McapRecorder.${call}: called outside an episode (call start() first)`);
    return this.#current;
  }

  #pathFor(info: EpisodeStart, startedAt: Date): string {
    const name = this.#options.fileName;
    const base = typeof name === 'function' ? name(info, startedAt) : (name ?? defaultFileName(info, startedAt));
    let path = resolve(this.#dir, base);
    for (let n = 1; this.#usedPaths.has(path); n++) path = resolve(this.#dir, base.replace(/(\.mcap)?$/, `-${n}$1`));
    this.#usedPaths.add(path);
    return path;
  }

  #enqueue(op: Op): void {
    this.#queue.push(op);
    if (!this.#draining) {
      this.#idle = deferred();
      this.#draining = this.#drain();
    }
  }

  /** The single writer: applies queued ops in order; never rejects (errors stay with their episode). */
  async #drain(): Promise<void> {
    // Let the caller's synchronous burst (one observation's camera + observation ops) land first.
    await Promise.resolve();
    for (let op = this.#queue.shift(); op; op = this.#queue.shift()) {
      try {
        await this.#apply(op);
      } catch (error) {
        op.episode.error ??= new Error(`recording ${basename(op.episode.path)} failed at ${op.kind}`, { cause: error });
        if (op.kind === 'close') op.done.reject(op.episode.error);
      }
    }
    this.#draining = undefined;
    this.#idle.resolve();
  }

  async #apply(op: Op): Promise<void> {
    const { episode } = op;
    if (op.kind === 'close') return this.#finish(episode, op.outcome, op.done);
    if (episode.error) return;
    if (op.kind === 'open') return this.#begin(episode);
    const writer = episode.writer;
    if (!writer) return;
    switch (op.kind) {
      case 'camera': {
        const channelId = await this.#channel(episode, cameraTopic(op.frame.name), rawImageSchema());
        await writer.addMessage({ channelId, sequence: op.index, logTime: toTime(op.stampNs), publishTime: toTime(op.stampNs), data: encodeCameraFrame(op.frame, op.stampNs) });
        break;
      }
      case 'observation': {
        const channelId = await this.#channel(episode, TOPIC_OBSERVATION, momentoSchema('Observation'));
        await writer.addMessage({ channelId, sequence: op.obs.index, logTime: toTime(op.obs.stampNs), publishTime: toTime(op.obs.stampNs), data: encodeObservation(op.obs) });
        break;
      }
      case 'step': {
        const channelId = await this.#channel(episode, TOPIC_STEP, momentoSchema('StepResult'));
        const stamp = toTime(op.result.chunk.stampNs);
        await writer.addMessage({ channelId, sequence: op.result.step, logTime: stamp, publishTime: stamp, data: encodeStep(op.result) });
        break;
      }
      case 'action': {
        const channelId = await this.#channel(episode, TOPIC_ACTION, momentoSchema('Action'));
        const stamp = toTime(op.action.stampNs);
        await writer.addMessage({ channelId, sequence: op.sequence, logTime: stamp, publishTime: stamp, data: encodeAction(op.action) });
        break;
      }
    }
    episode.writtenMessages++;
  }

  async #begin(episode: Episode): Promise<void> {
    const openWritable = this.#options.openWritable ?? openFileWritable;
    const writable = await openWritable(episode.path);
    episode.writable = writable;
    const writer = new McapWriter({
      writable,
      chunkSize: this.#options.chunkSize ?? DEFAULT_CHUNK_SIZE,
      ...(this.#compress ? { compressChunk: this.#compress } : {}),
    });
    await writer.start({ profile: '', library: `momento ${this.#version}` });
    const { info, startedAt } = episode;
    // Written before any chunk, so even a file cut short after one chunk says what it records.
    await writer.addMetadata({
      name: META_EPISODE,
      metadata: episodeMetadata(info, this.#version, startedAt),
    });
    episode.writer = writer;
  }

  async #finish(episode: Episode, outcome: EpisodeOutcome | undefined, done: Deferred): Promise<void> {
    const { writer, writable } = episode;
    try {
      if (writer && !episode.error) {
        if (outcome) {
          await writer.addMetadata({
            name: META_OUTCOME,
            metadata: outcomeMetadata(outcome, episode, new Date()),
          });
        }
        await writer.end();
      }
    } catch (error) {
      episode.error ??= new Error(`recording ${basename(episode.path)} failed at close`, { cause: error });
    }
    await writable?.close().catch((error: unknown) => {
      episode.error ??= new Error(`closing ${basename(episode.path)} failed`, { cause: error });
    });
    if (episode.error) done.reject(episode.error);
    else done.resolve();
  }

  async #channel(episode: Episode, topic: string, schema: RecordSchema): Promise<number> {
    const known = episode.channels.get(topic);
    if (known !== undefined) return known;
    const writer = episode.writer;
    if (!writer) throw new Error(`no writer for ${episode.path}`);
    const schemaKey = `schema:${schema.name}`;
    let schemaId = episode.channels.get(schemaKey);
    if (schemaId === undefined) {
      schemaId = await writer.registerSchema({ name: schema.name, encoding: schema.encoding, data: schema.data });
      episode.channels.set(schemaKey, schemaId);
    }
    const channelId = await writer.registerChannel({ topic, schemaId, messageEncoding: 'protobuf', metadata: new Map() });
    episode.channels.set(topic, channelId);
    return channelId;
  }
}
