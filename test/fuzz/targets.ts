// Fuzz targets over every decode path that faces the outside (issue 14): simulator request
// frames (a real server over loopback), simulator reply frames (the client's decoder), bundle
// manifests (policy.json) and MCAP episode files here; policy-server frames (protobuf and
// openpi msgpack) in server-targets.ts; rosbridge messages at momento's ROS source in
// ros-targets.ts. Each target is a fast-check property whose every case must end in a result or a typed error that names what was wrong — never a crash,
// a hang or an untyped exception. test/fuzz/fuzz.test.ts runs a few hundred cases of each;
// fuzz-long.ts the long form (10,000 and more) with counts and peak RSS.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { TASK_IDS, startSimServer } from '../../sim/index.js';
import type { SimServer } from '../../sim/index.js';
import { readManifest } from '../../src/bundle/load.js';
import { BundleError } from '../../src/core/errors.js';
import { pb } from '../../src/core/wire.js';
import type { momento } from '../../src/core/wire.js';
import { readEpisode, summarizeEpisode } from '../../src/record/index.js';
import { decodeReply } from '../../src/transports/sim/sim-codec.js';
import { BUNDLES } from '../helpers/reference.js';
import { writeSyntheticEpisode } from '../fixtures/record/episodes.js';
import { type FuzzTarget, withinCaseTimeout } from './fuzz-common.js';
import { openpiFrameTarget, serverFrameTarget } from './server-targets.js';
import { rosbridgeFrameTarget } from './ros-targets.js';

export type { FuzzTarget } from './fuzz-common.js';

const SIM_ERROR_CODES = new Set(['bad-action', 'bad-reset', 'unknown-task', 'no-episode', 'episode-done', 'bad-frame', 'bad-request', 'internal']);

// ---------------------------------------------------------------------------- simulator requests

const arbRequest: fc.Arbitrary<momento.v1.SimRequest.$Properties> = fc.record(
  {
    id: fc.integer({ min: 1, max: 0xffffffff }),
    reset: fc.record(
      {
        task: fc.oneof(fc.constantFrom(...TASK_IDS), fc.string({ maxLength: 20_000 })),
        seed: fc.oneof(fc.nat(), fc.integer()),
        mode: fc.integer({ min: -3, max: 3 }),
        imageSize: fc.oneof(fc.constantFrom(0, 8, 64, 256, 257, 512, 4096), fc.integer({ min: 0, max: 100_000 })),
      },
      { requiredKeys: [] },
    ),
    step: fc.record({ action: fc.array(fc.oneof(fc.double(), fc.double({ min: -1, max: 1, noNaN: true })), { maxLength: 8 }) }),
    listTasks: fc.constant({}),
  },
  { requiredKeys: ['id'] },
);

type SimCase = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'text'; text: string } | { kind: 'request'; request: momento.v1.SimRequest.$Properties };

const arbSimCase: fc.Arbitrary<SimCase> = fc.oneof(
  { weight: 3, arbitrary: arbRequest.map((request): SimCase => ({ kind: 'request', request })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }).map((bytes): SimCase => ({ kind: 'bytes', bytes })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 256 }).map((text): SimCase => ({ kind: 'text', text })) },
);

/** A bare client that sends one frame and waits for the one reply that answers it. */
class FrameClient {
  private readonly replies: momento.v1.SimResponse[] = [];
  private wake: (() => void) | undefined;
  closed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const reply = pb.SimResponse.decode(data);
      // Real-time pushes (id 0 transitions) are not answers to a request.
      if (reply.id === 0 && reply.transition) return;
      this.replies.push(reply);
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static async open(url: string): Promise<FrameClient> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new FrameClient(socket);
  }

  async exchange(frame: Uint8Array | string): Promise<momento.v1.SimResponse> {
    this.socket.send(frame, { binary: typeof frame !== 'string' });
    while (this.replies.length === 0) {
      if (this.closed) throw new Error('the simulator closed the session');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.replies.shift()!;
  }

  close(): void {
    this.socket.terminate();
  }
}

export function simRequestTarget(): FuzzTarget {
  let server: SimServer | undefined;
  let client: FrameClient | undefined;
  let rejected = 0;
  return {
    name: 'simulator request frames',
    rejected: () => rejected,
    async property() {
      server = await startSimServer();
      client = await FrameClient.open(server.url);
      return fc.asyncProperty(arbSimCase, async (c) => {
        const frame = c.kind === 'request' ? pb.SimRequest.encode(c.request).finish() : c.kind === 'bytes' ? c.bytes : c.text;
        const reply = await withinCaseTimeout(client!.exchange(frame), 'a simulator reply');
        if (reply.error) {
          rejected++;
          if (!SIM_ERROR_CODES.has(reply.error.code ?? '')) throw new Error(`unknown error code '${reply.error.code}'`);
          if (!reply.error.message || reply.error.message.length > 1100) throw new Error(`error message of ${reply.error.message?.length ?? 0} characters`);
          if (reply.error.code === 'internal') throw new Error(`internal error: ${reply.error.message}`);
        } else if (!reply.transition && !reply.tasks) {
          throw new Error(`reply ${reply.id} has no body`);
        }
        if (c.kind === 'request' && reply.id !== c.request.id) throw new Error(`reply id ${reply.id} for request ${c.request.id}`);
        const camera = reply.transition?.observation?.cameras?.[0];
        if (camera && (camera.data?.length ?? 0) > 256 * 256 * 3) throw new Error(`a ${camera.shape?.join('x')} image beyond the default limit`);
      });
    },
    async dispose() {
      client?.close();
      await server?.close();
    },
  };
}

// ---------------------------------------------------------------------------- simulator replies

const arbReplyBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  // Well-formed transitions, tasks and errors with arbitrary field values.
  fc
    .record({ id: fc.nat(), side: fc.integer({ min: 1, max: 8 }), proprio: fc.array(fc.double(), { maxLength: 6 }), text: fc.string({ maxLength: 64 }), step: fc.nat() })
    .chain(({ id, side, proprio, text, step }) =>
      fc.constantFrom(
        pb.SimResponse.encode({ id, transition: { observation: { cameras: [{ name: text, dtype: pb.DType.UINT8, shape: [side, side, 3], data: new Uint8Array(side * side * 3) }], proprio, stampNs: step }, step } }).finish(),
        pb.SimResponse.encode({ id, tasks: { tasks: [{ id: text, controlRateHz: side }] } }).finish(),
        pb.SimResponse.encode({ id, error: { code: text, message: text } }).finish(),
      ),
    ),
  fc
    .record({
      id: fc.nat(),
      shape: fc.array(fc.integer({ min: -2, max: 70_000 }), { maxLength: 4 }),
      data: fc.uint8Array({ maxLength: 64 }),
      dtype: fc.integer({ min: 0, max: 5 }),
      proprio: fc.array(fc.double(), { maxLength: 6 }),
    })
    .map(({ id, shape, data, dtype, proprio }) =>
      pb.SimResponse.encode({ id, transition: { observation: { cameras: [{ name: 'rgb', dtype, shape, data }], proprio }, done: true } }).finish(),
    ),
);

export function simReplyTarget(): FuzzTarget {
  let rejected = 0;
  return {
    name: 'simulator reply frames (client decoder)',
    rejected: () => rejected,
    property: () =>
      Promise.resolve(
        fc.asyncProperty(arbReplyBytes, (bytes) => {
          try {
            decodeReply(bytes);
          } catch (error) {
            rejected++;
            if (!(error instanceof TypeError) || error.message === '') throw new Error(`untyped decoder error: ${String(error)}`, { cause: error });
          }
          return Promise.resolve();
        }),
      ),
    dispose: () => Promise.resolve(),
  };
}

// ---------------------------------------------------------------------------- policy.json

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path (keys and indices) into a JSON value. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, Json>)[k]!, [...prefix, k]))];
}

function edited(root: Json, path: (string | number)[], replacement: Json | undefined): Json {
  const copy = structuredClone(root);
  if (path.length === 0) return replacement ?? null;
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path.at(-1)!;
  if (replacement === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = replacement;
  return copy;
}

const arbJsonValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(0, -1, 1e9, 1e-300, 1e308, -0.5, 2 ** 53, '', 'x', '../outside.onnx', '/dev/zero', null, true, [], {}),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

export function manifestTarget(bundle = 'hamlet-tiny'): FuzzTarget {
  const dir = join(mkdtempSync(join(tmpdir(), 'momento-fuzz-manifest-')), bundle);
  cpSync(join(BUNDLES, bundle), dir, { recursive: true });
  const file = join(dir, 'policy.json');
  const original = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const allPaths = paths(original);
  let rejected = 0;
  const arbManifestText = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .array(fc.tuple(fc.constantFrom(...allPaths), fc.option(arbJsonValue, { nil: undefined })), { minLength: 1, maxLength: 3 })
        .map((edits) => {
          let m = original;
          for (const [path, value] of edits) {
            try {
              m = edited(m, path, value);
            } catch {
              // an earlier edit removed the path's parent: skip this edit
            }
          }
          return JSON.stringify(m);
        }),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(original)).chain((t) => fc.nat({ max: t.length }).map((n) => t.slice(0, n))) },
  );
  return {
    name: 'bundle manifests (policy.json)',
    rejected: () => rejected,
    property: () =>
      Promise.resolve(
        fc.asyncProperty(arbManifestText, (text) => {
          writeFileSync(file, text);
          try {
            readManifest(dir);
          } catch (error) {
            rejected++;
            if (!(error instanceof BundleError)) throw new Error(`untyped manifest error: ${String(error)}`, { cause: error });
            if (!error.message.includes(bundle)) throw new Error(`manifest error does not name the bundle: ${error.message}`, { cause: error });
          }
          return Promise.resolve();
        }),
      ),
    dispose: () => {
      rmSync(join(dir, '..'), { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

// ---------------------------------------------------------------------------- MCAP files

type Mutation = { kind: 'flip'; at: number[]; mask: number } | { kind: 'truncate'; at: number } | { kind: 'splice'; at: number; bytes: Uint8Array } | { kind: 'random'; bytes: Uint8Array };

function mutate(original: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'flip': {
      const out = Buffer.from(original);
      for (const a of m.at) out[a % out.length] = out[a % out.length]! ^ (m.mask || 1);
      return out;
    }
    case 'truncate':
      return original.subarray(0, m.at % (original.length + 1));
    case 'splice': {
      const at = m.at % (original.length + 1);
      return Buffer.concat([original.subarray(0, at), m.bytes, original.subarray(at + m.bytes.length)]);
    }
    case 'random':
      return Buffer.from(m.bytes);
  }
}

const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), mask: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  // Splices of 8 bytes of 0xff can claim huge record lengths and chunk sizes.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.constant(new Uint8Array(8).fill(0xff))) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 1024 }) }) },
);

export function mcapTarget(): FuzzTarget {
  const dir = mkdtempSync(join(tmpdir(), 'momento-fuzz-mcap-'));
  const file = join(dir, 'case.mcap');
  let original: Buffer | undefined;
  let rejected = 0;
  return {
    name: 'MCAP episode files',
    rejected: () => rejected,
    async property() {
      original = readFileSync(await writeSyntheticEpisode(dir, { steps: 12, size: 16, chunkSize: 2048, fileName: 'original.mcap' }));
      return fc.asyncProperty(arbMutation, async (m) => {
        writeFileSync(file, mutate(original!, m));
        const readers: [string, (f: string) => Promise<unknown>][] = [['readEpisode', readEpisode], ['summarizeEpisode', summarizeEpisode]];
        for (const [name, read] of readers) {
          try {
            await withinCaseTimeout(read(file), `${name} of a ${m.kind} mutation`);
          } catch (error) {
            rejected++;
            const message = (error as Error).message;
            if (message.startsWith('hang:')) throw error;
            if (!(error instanceof Error) || !message.includes(file)) throw new Error(`error does not name the file: ${message}`, { cause: error });
          }
        }
      });
    },
    dispose: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

export const ALL_TARGETS = [simRequestTarget, simReplyTarget, manifestTarget, mcapTarget, serverFrameTarget, openpiFrameTarget, rosbridgeFrameTarget] as const;
