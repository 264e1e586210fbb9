// Fuzz target of the ROS side (issue 14): a hostile rosbridge server on 127.0.0.1 sends frames to
// momento's RosConnection and two RosObservationSources (raw and compressed camera, joint states):
// malformed JSON and CBOR, wrong and unknown ops, names that collide with roslib's own events,
// fragments with any counts, messages of the wrong shape on the subscribed topics, huge arrays,
// images of wrong sizes, encodings and declared dimensions, non-finite joints. After each case
// a valid JointState follows on the same socket: once it has arrived (and no camera frame is
// still decoding) the case is judged — a typed error naming the topic or rosbridge, a sample
// taken, or (only for frames that are not for momento) nothing — and the sources must still work.
import { join } from 'node:path';
import { encode as encodeCbor } from 'cbor2';
import fc from 'fast-check';
import sharp from 'sharp';
import { WebSocketServer, type WebSocket } from 'ws';
import { readManifest } from '../../src/bundle/load.js';
import { RosConnection, RosObservationSource, parseRosConfig, type RosConnectionEvent } from '../../src/transports/ros/index.js';
import { configYaml } from '../helpers/ros-config.js';
import { BUNDLES } from '../helpers/reference.js';
import { type FuzzTarget, arbByteMutation, mutateBytes, withinCaseTimeout } from './fuzz-common.js';

const RAW = '/camera/image_raw';
const COMPRESSED = '/camera/image_raw/compressed';
const JOINTS = '/joint_states';
const JOINT_NAMES = ['x', 'y', 'grip', 'holding'];
const TOPICS = [RAW, COMPRESSED, JOINTS];

type Frame = { readonly data: string | Uint8Array; readonly forMomento: boolean };

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const publish = (topic: string, msg: unknown): Record<string, unknown> => ({ op: 'publish', topic, msg });
const stamp = fc.oneof(fc.record({ secs: fc.oneof(fc.nat(), fc.double()), nsecs: fc.oneof(fc.nat(), fc.double()) }), fc.record({ sec: fc.nat(), nanosec: fc.nat() }), fc.constant(undefined), fc.string({ maxLength: 4 }));
const header = fc.oneof(fc.record({ stamp, frame_id: fc.string({ maxLength: 8 }) }, { requiredKeys: [] }), fc.constant(null), fc.nat());
/** uint8[] as ROS sends it: base64 (JSON), a number list, or something else entirely. */
const arbData = (bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<unknown> => fc.oneof({ weight: 4, arbitrary: bytes.map(b64) }, { weight: 1, arbitrary: bytes.map((b) => [...b]) }, { weight: 1, arbitrary: fc.oneof(fc.nat(), fc.constant(null), fc.string({ maxLength: 8 })) });

const arbRawImage = fc
  .record({
    width: fc.oneof(fc.integer({ min: -2, max: 64 }), fc.constantFrom(1e9, 2.5, 100_000)),
    height: fc.oneof(fc.integer({ min: -2, max: 64 }), fc.constantFrom(1e9, 0.5, 100_000)),
    encoding: fc.oneof(fc.constantFrom('rgb8', 'bgr8', 'mono8', 'rgba8', 'bgra8', 'mono16', '16UC1', 'yuv422', ''), fc.string({ maxLength: 12 }), fc.constant('e'.repeat(10_000))),
    stepExtra: fc.integer({ min: -4, max: 8 }),
    fill: fc.integer({ min: -10, max: 10 }),
    header,
  })
  .chain((r) => {
    const channels = r.encoding.startsWith('mono') ? 1 : r.encoding.endsWith('a8') ? 4 : 3;
    const step = Math.max(0, Math.min(1e6, r.width * channels + r.stepExtra));
    const length = Math.max(0, Math.min(300_000, Math.floor(step * Math.max(0, Math.min(r.height, 1e6)) + r.fill)));
    return arbData(fc.constant(new Uint8Array(Number.isFinite(length) ? length : 0))).map((data) => ({ header: r.header, width: r.width, height: r.height, encoding: r.encoding, step, is_bigendian: 0, data }));
  });

const arbJointState = fc.record(
  {
    header,
    name: fc.oneof({ weight: 4, arbitrary: fc.constant(JOINT_NAMES) }, { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...JOINT_NAMES), fc.string({ maxLength: 6 }), fc.nat()), { maxLength: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 100_000 }).map((n) => Array.from({ length: n }, (_, i) => `j${i}`)) }),
    position: fc.oneof(fc.array(fc.oneof(fc.double({ min: -10, max: 10, noNaN: true }), fc.constantFrom(1e39, -1e300), fc.string({ maxLength: 2 }), fc.constant(null)), { maxLength: 6 }), fc.integer({ min: 0, max: 100_000 }).map((n) => new Array<number>(n).fill(0.5)), fc.string({ maxLength: 4 })),
    velocity: fc.array(fc.double({ noNaN: true }), { maxLength: 4 }),
    effort: fc.constant([]),
  },
  { requiredKeys: [] },
);

/** A PNG header that declares 50,000 x 50,000 pixels (a decompression bomb, no pixel data). */
function bombPng(): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(50_000, 0);
  ihdr.writeUInt32BE(50_000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const chunk = Buffer.concat([Buffer.from('IHDR'), ihdr]);
  const crc = Buffer.alloc(4);
  let c = ~0;
  for (const byte of chunk) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  crc.writeUInt32BE(~c >>> 0);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(13);
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), length, chunk, crc]));
}

async function images(): Promise<Uint8Array[]> {
  const make = (w: number, h: number, channels: 1 | 3 | 4) => sharp(Buffer.alloc(w * h * channels, 90), { raw: { width: w, height: h, channels } });
  return [
    new Uint8Array(await make(16, 16, 3).png().toBuffer()),
    new Uint8Array(await make(40, 30, 3).jpeg().toBuffer()),
    new Uint8Array(await make(1, 1, 4).png().toBuffer()),
    new Uint8Array(await make(64, 8, 1).png().toBuffer()),
    bombPng(),
  ];
}

function arbFrame(encoded: readonly Uint8Array[]): fc.Arbitrary<Frame> {
  const arbCompressed = fc.record(
    {
      header,
      format: fc.oneof(fc.constantFrom('jpeg', 'png', 'rgb8; jpeg compressed bgr8', 'tiff', ''), fc.string({ maxLength: 10 })),
      data: arbData(fc.oneof(fc.constantFrom(...encoded), fc.tuple(fc.constantFrom(...encoded), arbByteMutation).map(([b, m]) => mutateBytes(b, m)), fc.uint8Array({ maxLength: 256 }))),
    },
    { requiredKeys: [] },
  );
  const text = (o: unknown, forMomento = true): Frame => ({ data: JSON.stringify(o), forMomento });
  const op = fc.oneof(fc.constantFrom('publish', 'png', 'fragment', 'status', 'service_response', 'call_service', 'send_action_goal', 'action_result', 'subscribe', 'auth'), fc.string({ maxLength: 10 }), fc.nat(), fc.constant(null));
  return fc.oneof(
    { weight: 4, arbitrary: arbRawImage.map((m) => text(publish(RAW, m))) },
    { weight: 4, arbitrary: arbCompressed.map((m) => text(publish(COMPRESSED, m))) },
    { weight: 4, arbitrary: arbJointState.map((m) => text(publish(JOINTS, m))) },
    // Messages of another shape (or none) on the subscribed topics.
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...TOPICS), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined))).map(([t, m]) => text(publish(t, m))) },
    // Names that roslib routes to its own events ('close', 'connection', …), and topics nobody subscribed.
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('publish', 'call_service', 'service_response'), fc.constantFrom('close', 'connection', 'error', 'status', 'status:1', 'x'.repeat(300))).map(([o, name]) => text({ op: o, topic: name, service: name, id: name, msg: {}, values: {}, result: true }, name.length < 300)) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 })).map(([t, m]) => text(publish(`/other/${t}`, m), false)) },
    { weight: 2, arbitrary: fc.record({ op, topic: fc.constantFrom(...TOPICS), id: fc.oneof(fc.string({ maxLength: 6 }), fc.nat()), msg: fc.jsonValue({ maxDepth: 1 }), data: fc.string({ maxLength: 16 }) }, { requiredKeys: ['op'] }).map((o) => text(o, o.op !== 'status' && o.op !== 'service_response' && o.op !== 'call_service')) },
    // Fragments: any id, count and piece (partial ones wait for the rest: nothing to say yet).
    {
      weight: 2,
      arbitrary: fc
        .record({ id: fc.oneof(fc.string({ maxLength: 4 }), fc.nat(), fc.constant(0)), num: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double()), total: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.constantFrom(2 ** 32, 1e300, 1.5, 65_537)), data: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(JSON.stringify(publish(JOINTS, { name: JOINT_NAMES, position: [0, 0, 0, 0] })))) })
        .map((f) => text({ op: 'fragment', ...f }, false)),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 64 }).map((b) => text({ op: 'png', data: b64(new TextEncoder().encode(b)) })) },
    { weight: 2, arbitrary: fc.string({ maxLength: 200 }).map((s): Frame => ({ data: s, forMomento: true })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => text(v)) },
    // CBOR, as a 'cbor' subscription receives it: typed arrays, NaN and Infinity, or random bytes.
    {
      weight: 2,
      arbitrary: fc
        .record({ topic: fc.constantFrom(...TOPICS), position: fc.array(fc.double(), { minLength: 4, maxLength: 4 }), width: fc.integer({ min: -1, max: 20 }), raw: fc.uint8Array({ maxLength: 64 }) })
        .map(({ topic, position, width, raw }): Frame => {
          const msg = topic === JOINTS ? { name: JOINT_NAMES, position: Float64Array.from(position), velocity: [], effort: [] } : topic === RAW ? { width, height: width, step: width * 3, encoding: 'rgb8', data: raw } : { format: 'png', data: raw };
          return { data: encodeCbor(publish(topic, msg)), forMomento: true };
        }),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }).map((data): Frame => ({ data, forMomento: true })) },
  );
}

/** One source per camera kind, both on the joints topic; remade when a case ends one (a joint missing: the config does not fit). */
class Sources {
  raw!: RosObservationSource;
  compressed!: RosObservationSource;
  errors: Error[] = [];

  constructor(private readonly make: (camera: 'raw' | 'compressed') => RosObservationSource) {
    this.remake('raw');
    this.remake('compressed');
  }

  remake(which: 'raw' | 'compressed'): void {
    this[which]?.close();
    const source = this.make(which);
    source.observation$.subscribe({ error: (e: unknown) => this.errors.push(e instanceof Error ? e : new Error(String(e))) });
    this[which] = source;
  }

  get all(): RosObservationSource[] {
    return [this.raw, this.compressed];
  }
}

export function rosbridgeFrameTarget(): FuzzTarget {
  let wss: WebSocketServer | undefined;
  let connection: RosConnection | undefined;
  let sources: Sources | undefined;
  let client: WebSocket | undefined;
  let rejected = 0;
  let marker = 0;
  const connectionErrors: Error[] = [];
  const frameErrors: Error[] = [];
  const trapped: unknown[] = [];
  const trap = (e: unknown): void => void trapped.push(e);
  return {
    name: 'rosbridge messages at the ROS source',
    rejected: () => rejected,
    async property() {
      process.on('uncaughtException', trap);
      process.on('unhandledRejection', trap);
      wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await new Promise((resolve) => wss!.once('listening', resolve));
      wss.on('connection', (ws) => (client = ws));
      const port = (wss.address() as { port: number }).port;
      const { manifest } = readManifest(join(BUNDLES, 'hamlet-tiny'));
      const onEvent = (e: RosConnectionEvent): void => void (e.kind === 'error' && connectionErrors.push(e.error));
      connection = RosConnection.create({ url: `ws://127.0.0.1:${port}`, onEvent });
      await connection.whenConnected(10_000);
      const conn = connection;
      sources = new Sources((camera) => new RosObservationSource({ connection: conn, config: parseRosConfig(configYaml(camera), `fuzz-${camera}.yaml`), manifest, now: () => performance.now() * 1e6, onFrameError: (e) => frameErrors.push(e) }));
      const frames = arbFrame(await images());
      return fc.asyncProperty(frames, async (frame) => {
        if (!client) throw new Error('momento is not connected to the hostile rosbridge');
        // Only this case's errors are kept: memory stays flat over any number of cases.
        frameErrors.length = 0;
        connectionErrors.length = 0;
        const before = { samples: sources!.all.reduce((n, s) => n + s.samples, 0), frame: 0, conn: 0, source: sources!.errors.length };
        client.send(frame.data, { binary: typeof frame.data !== 'string' });
        // The marker: a valid JointState behind the case on the same socket.
        const id = `marker-${++marker}`;
        client.send(JSON.stringify(publish(JOINTS, { header: { stamp: { secs: 1, nsecs: marker }, frame_id: id }, name: JOINT_NAMES, position: [0, 0, 0, 0], velocity: [], effort: [] })));
        await withinCaseTimeout(
          (async () => {
            while (!sources!.all.every((s) => s.latestJointState?.header?.frame_id === id && s.decoding === 0)) await new Promise((r) => setImmediate(r));
          })(),
          'the marker behind a case',
        );
        if (trapped.length > 0) throw new Error(`uncaught in the ROS transport: ${String(trapped[0])}`, { cause: trapped[0] });
        const errors = [...frameErrors.slice(before.frame), ...connectionErrors.slice(before.conn), ...sources!.errors.slice(before.source)];
        const samples = sources!.all.reduce((n, s) => n + s.samples, 0) - before.samples - 2;
        for (const e of errors) {
          if (!(e instanceof Error) || e.message === '') throw new Error(`an untyped error: ${String(e)}`);
          if (!TOPICS.some((t) => e.message.includes(t)) && !/rosbridge/i.test(e.message)) throw new Error(`an error that names neither the topic nor rosbridge: ${e.message.slice(0, 300)}`);
          if (e.message.length > 2000) throw new Error(`an error of ${e.message.length} characters (echoes the frame)`);
        }
        if (errors.length > 0) rejected++;
        else if (samples <= 0 && frame.forMomento) throw new Error(`a frame for momento neither taken nor refused: ${String(frame.data).slice(0, 200)}`);
        if (sources!.errors.length > before.source) {
          // A JointState without a configured joint ends the source (the config does not fit the robot): start new ones.
          sources!.remake('raw');
          sources!.remake('compressed');
          sources!.errors.length = 0;
        }
      });
    },
    async dispose() {
      for (const s of sources?.all ?? []) s.close();
      await connection?.close();
      client?.terminate();
      await new Promise((resolve) => (wss ? wss.close(resolve) : resolve(undefined)));
      process.off('uncaughtException', trap);
      process.off('unhandledRejection', trap);
    },
  };
}
