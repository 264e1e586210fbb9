// Fuzz targets of the policy server (issue 14): its protobuf WebSocket frames (ServerRequest:
// handshake, sessions, steps, snapshots; wrong wire types, truncated, oversized, huge declared
// lengths) and the openpi endpoint's msgpack frames (numpy maps with any dtype, shape and data;
// huge declared sizes; deep nesting). A real server on 127.0.0.1 answers each case; every case
// must end in a typed error naming the field (never 'internal'), a reply, or — for frames past
// the socket's hard limit — a clean close with a reason. Meanwhile another client's session
// steps after every case and must keep getting finite chunks equal to an in-process run.
import { join } from 'node:path';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import type { Observation } from '../../src/core/types.js';
import { pb, type momento } from '../../src/core/wire.js';
import { Policy } from '../../src/policy/policy.js';
import { syntheticObservations } from '../../src/runtime/synthetic.js';
import { makeDecoder } from '../../src/server/openpi-codec.js';
import { observationToWire } from '../../src/server/observation-input.js';
import { PolicyClient, type RemoteEpisode } from '../../src/server/policy-client.js';
import { PolicyServer } from '../../src/server/policy-server.js';
import { BUNDLES } from '../helpers/reference.js';
import { type FuzzTarget, arbByteMutation, mutateBytes, withinCaseTimeout } from './fuzz-common.js';

const BUNDLE = 'memoryvla-tiny';
const MAX_FRAME = 64 * 1024;
const FAULT_CODES = new Set(['bad-frame', 'frame-too-large', 'bad-field', 'bad-tensor', 'non-finite', 'incompatible', 'no-session', 'session-closed', 'session-lost', 'superseded', 'busy']);
/** ws closes a socket whose frame exceeds maxPayload (2 x maxFrameBytes) with 1009, RFC 6455's "message too big". */
const TOO_BIG_CLOSE = 1009;

type Outcome = { kind: 'reply'; data: Buffer; isBinary: boolean } | { kind: 'closed'; code: number; reason: string };

/** A bare client: sends one frame, resolves with the next message or the close. */
class RawSocket {
  private readonly queue: Outcome[] = [];
  private wake: (() => void) | undefined;
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => this.push({ kind: 'reply', data, isBinary }));
    ws.on('close', (code, reason) => {
      this.closed = true;
      this.push({ kind: 'closed', code, reason: reason.toString() });
    });
    ws.on('error', () => undefined);
  }

  static async open(url: string): Promise<RawSocket> {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 2 ** 20 });
    const socket = new RawSocket(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return socket;
  }

  private push(o: Outcome): void {
    this.queue.push(o);
    this.wake?.();
  }

  async next(): Promise<Outcome> {
    while (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.queue.shift()!;
  }

  send(frame: Uint8Array | string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(frame, { binary: typeof frame !== 'string' });
  }

  close(): void {
    this.ws.terminate();
  }
}

/** The healthy session beside the attack: steps once per case; its chunks must equal an in-process run's. */
class HealthySession {
  private steps = 0;

  private constructor(
    private readonly client: PolicyClient,
    private readonly episode: RemoteEpisode,
    private readonly observations: readonly Observation[],
    private readonly reference: readonly Float32Array[],
  ) {}

  get manifest(): PolicyClient['manifest'] {
    return this.client.manifest;
  }

  static async open(url: string, dir: string): Promise<HealthySession> {
    const client = await PolicyClient.connect(url);
    const observations = [...syntheticObservations(client.manifest, 64, 11)];
    await using policy = await Policy.load(dir, { inference: 'inline' });
    const episode = policy.newEpisode(11);
    const reference: Float32Array[] = [];
    for (const o of observations) reference.push((await policy.step(episode, o)).chunk.values);
    return new HealthySession(client, client.newEpisode(11), observations, reference);
  }

  /** One step; the first 64 are compared with the in-process run, every one must be finite. */
  async step(): Promise<void> {
    const i = this.steps++;
    const result = await withinCaseTimeout(this.client.step(this.episode, { ...this.observations[i % this.observations.length]!, index: i }), 'the healthy session\'s step');
    const values = result.chunk.values;
    if (!values.every(Number.isFinite)) throw new Error(`healthy session: step ${i} has a non-finite chunk`);
    const want = this.reference[i];
    if (want && values.some((v, k) => Math.abs(v - want[k]!) > 1e-5)) throw new Error(`healthy session: step ${i} differs from the in-process run`);
  }

  async close(): Promise<void> {
    await this.client.release();
  }
}

// ---------------------------------------------------------------------------- protobuf frames

const arbText = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', BUNDLE, 'rgb', 'reach', 'x'.repeat(5000)));
const arbLong = fc.oneof(fc.nat(), fc.integer(), fc.constantFrom(0, 2 ** 53, 2 ** 64 - 1, -1, 1e300));

const arbTensor = fc.record(
  {
    name: fc.oneof(fc.constant('rgb'), arbText),
    dtype: fc.integer({ min: -1, max: 6 }),
    shape: fc.oneof(fc.constant([16, 16, 3] as number[]), fc.array(fc.integer({ min: -3, max: 70_000 }), { maxLength: 5 })),
    data: fc.oneof(fc.constant(new Uint8Array(16 * 16 * 3)), fc.uint8Array({ maxLength: 1024 }), fc.integer({ min: 0, max: 20_000 }).map((n) => new Uint8Array(n))),
  },
  { requiredKeys: [] },
);

const arbObservation = fc.record(
  {
    cameras: fc.array(arbTensor, { maxLength: 3 }),
    proprio: fc.array(fc.oneof(fc.double(), fc.double({ min: -2, max: 2, noNaN: true })), { maxLength: 6 }),
    instruction: fc.record({ taskId: fc.oneof(fc.constant('reach'), arbText), text: arbText }, { requiredKeys: [] }),
    stampNs: arbLong,
    index: arbLong,
  },
  { requiredKeys: [] },
);

const arbContract = fc.record(
  {
    bundle: arbText,
    bundleHash: arbText,
    cameras: fc.array(fc.record({ name: arbText, height: fc.nat(), width: fc.nat(), channels: fc.nat() }), { maxLength: 2 }),
    proprioNames: fc.array(arbText, { maxLength: 4 }),
    tasks: fc.array(arbText, { maxLength: 3 }),
    chunk: fc.nat(),
    rateHz: fc.double(),
  },
  { requiredKeys: [] },
);

/** A request body; `step` is weighted up, since it carries the most outside data. */
function arbRequest(snapshot: momento.v1.IMemorySnapshot): fc.Arbitrary<momento.v1.IServerRequest> {
  const arbSnapshot = fc.oneof(
    fc.constant(snapshot),
    fc.record({ step: arbLong, kind: fc.oneof(fc.constant(snapshot.kind ?? ''), arbText), bundle: arbText, noiseState: fc.nat(), noiseSpare: fc.double() }, { requiredKeys: [] }).map((edit) => ({ ...snapshot, ...edit })),
  );
  const id = fc.integer({ min: 1, max: 0xffffffff });
  return fc.oneof(
    { weight: 1, arbitrary: fc.record({ id, hello: fc.record({ protocolVersion: fc.oneof(fc.constant(1), fc.nat()), expect: arbContract }, { requiredKeys: [] }) }) },
    { weight: 2, arbitrary: fc.record({ id, open: fc.record({ seed: arbLong, noMemory: fc.boolean() }, { requiredKeys: [] }) }) },
    { weight: 1, arbitrary: fc.record({ id, resume: fc.record({ sessionId: arbText, resumeToken: arbText }, { requiredKeys: [] }) }) },
    { weight: 6, arbitrary: fc.record({ id, step: fc.record({ observation: arbObservation }, { requiredKeys: [] }) }) },
    { weight: 1, arbitrary: fc.record({ id, reset: fc.record({ seed: arbLong }, { requiredKeys: [] }) }) },
    { weight: 1, arbitrary: fc.record({ id, snapshot: fc.constant({}) }) },
    { weight: 1, arbitrary: fc.record({ id, restore: fc.record({ snapshot: arbSnapshot }, { requiredKeys: [] }) }) },
    { weight: 1, arbitrary: fc.record({ id, close: fc.constant({}) }) },
  );
}

type ServerCase =
  | { kind: 'request'; request: momento.v1.IServerRequest }
  | { kind: 'mutated'; request: momento.v1.IServerRequest; mutation: Parameters<typeof mutateBytes>[1] }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'text'; text: string }
  | { kind: 'oversized'; bytes: number };

function encodeRequest(r: momento.v1.IServerRequest): Uint8Array {
  try {
    return pb.ServerRequest.encode(r).finish();
  } catch {
    return pb.ServerRequest.encode({ id: r.id ?? 1 }).finish();
  }
}

/** Field 5 (step) claiming 2^32-1 bytes, an observation claiming 2^31, a varint that never ends. */
const HUGE_DECLARED = [Uint8Array.of(0x08, 0x01, 0x2a, 0xff, 0xff, 0xff, 0xff, 0x0f), Uint8Array.of(0x2a, 0x06, 0x0a, 0x84, 0x80, 0x80, 0x80, 0x08), Uint8Array.of(0x08, ...new Array<number>(12).fill(0xff))];

export function serverFrameTarget(): FuzzTarget {
  let server: PolicyServer | undefined;
  let healthy: HealthySession | undefined;
  let attacker: RawSocket | undefined;
  let rejected = 0;
  const dir = join(BUNDLES, BUNDLE);
  return {
    name: 'policy server frames (protobuf)',
    rejected: () => rejected,
    async property() {
      // A short TTL: the attacker's sessions, detached at every reconnect, expire instead of piling up.
      server = await PolicyServer.create({ bundles: [dir], port: 0, maxFrameBytes: MAX_FRAME, ttlS: 2, inference: 'inline', warn: () => undefined });
      const url = `${server.url}/${BUNDLE}`;
      healthy = await HealthySession.open(url, dir);
      const snapshot = await (async () => {
        await using policy = await Policy.load(dir, { inference: 'inline' });
        const episode = policy.newEpisode(1);
        for (const o of syntheticObservations(policy.manifest, 3, 1)) await policy.step(episode, o);
        return episode.snapshot();
      })();
      const arbCase: fc.Arbitrary<ServerCase> = fc.oneof(
        { weight: 8, arbitrary: arbRequest(snapshot).map((request): ServerCase => ({ kind: 'request', request })) },
        { weight: 3, arbitrary: fc.tuple(arbRequest(snapshot), arbByteMutation).map(([request, mutation]): ServerCase => ({ kind: 'mutated', request, mutation })) },
        { weight: 1, arbitrary: fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(...HUGE_DECLARED)).map((bytes): ServerCase => ({ kind: 'bytes', bytes })) },
        { weight: 1, arbitrary: fc.string({ maxLength: 256 }).map((text): ServerCase => ({ kind: 'text', text })) },
        { weight: 1, arbitrary: fc.constantFrom(MAX_FRAME + 1, 2 * MAX_FRAME, 2 * MAX_FRAME + 1, 4 * MAX_FRAME).map((bytes): ServerCase => ({ kind: 'oversized', bytes })) },
      );
      // A valid observation for steps that should go through.
      const good = observationToWire(syntheticObservations(healthy.manifest, 1, 0).next().value!);
      return fc.asyncProperty(arbCase, async (c) => {
        if (!attacker || attacker.closed) attacker = await RawSocket.open(url);
        let frame: Uint8Array | string;
        if (c.kind === 'request') {
          // Half of the steps carry a valid observation, so that sessions really step under attack.
          const r = c.request.step && c.request.id! % 2 === 0 ? { ...c.request, step: { observation: good } } : c.request;
          frame = encodeRequest(r);
        } else if (c.kind === 'mutated') frame = mutateBytes(encodeRequest(c.request), c.mutation);
        else if (c.kind === 'bytes') frame = c.bytes;
        else if (c.kind === 'text') frame = c.text;
        else frame = new Uint8Array(c.bytes);
        attacker.send(frame);
        const outcome = await withinCaseTimeout(attacker.next(), `the server's answer to a ${c.kind} frame`);
        if (outcome.kind === 'closed') {
          const size = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
          if (outcome.code !== TOO_BIG_CLOSE || size <= 2 * MAX_FRAME) throw new Error(`the server closed the socket (${outcome.code} '${outcome.reason}') on a ${size}-byte ${c.kind} frame`);
          rejected++;
        } else {
          const reply = pb.ServerResponse.decode(outcome.data);
          if (reply.body === 'error') {
            rejected++;
            const e = reply.error!;
            const message = e.message ?? '';
            if (!FAULT_CODES.has(e.code ?? '')) throw new Error(`error code '${e.code}': ${message}`);
            if (!e.field || !message || message.length > 2000 || (e.value ?? '').length > 300 || e.field.length > 300) throw new Error(`an error that does not name the field, or echoes too much: ${JSON.stringify({ code: e.code, field: e.field, value: e.value?.slice(0, 100), message: message.slice(0, 200) })}`);
            // A refused handshake refuses the connection for good: start the next case on a fresh one.
            if (e.code === 'incompatible') attacker.close();
          } else if (!reply.body) throw new Error(`reply ${reply.id} has no body`);
          else if (reply.body === 'step' && !reply.step!.result!.chunk!.values!.every(Number.isFinite)) throw new Error('a step reply with a non-finite chunk');
        }
        await healthy!.step();
      });
    },
    async dispose() {
      attacker?.close();
      await healthy?.close();
      await server?.close();
    },
  };
}

// ---------------------------------------------------------------------------- openpi frames

const DTYPES = ['<f4', '|u1', '<f8', '<i4', '<i8', '|b1', '>f4', '<c16', 'O', '<U3', '', 'f4', '=f4'];

const arbNdArray = fc.record(
  {
    __ndarray__: fc.oneof(fc.constant(true), fc.constant(1), fc.constant('true')),
    dtype: fc.oneof(fc.constantFrom(...DTYPES), fc.string({ maxLength: 8 }), fc.nat()),
    shape: fc.oneof(fc.constantFrom([16, 16, 3], [4], [1, 4]), fc.array(fc.oneof(fc.integer({ min: -2, max: 70_000 }), fc.double(), fc.constant('3')), { maxLength: 10 }), fc.string({ maxLength: 4 })),
    data: fc.oneof(fc.constantFrom(new Uint8Array(16 * 16 * 3), new Uint8Array(16), new Uint8Array(32)), fc.uint8Array({ maxLength: 1024 }), fc.string({ maxLength: 16 })),
  },
  { requiredKeys: ['__ndarray__'] },
);

const arbOpenpiValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: arbNdArray },
  { weight: 1, arbitrary: fc.record({ __npgeneric__: fc.constant(true), dtype: fc.constantFrom(...DTYPES), data: fc.oneof(fc.double(), fc.uint8Array({ maxLength: 8 })) }) },
  { weight: 2, arbitrary: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('reach', 'shell-game', 'x'.repeat(5000)), fc.double(), fc.boolean(), fc.constant(null), fc.uint8Array({ maxLength: 32 })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const OPENPI_KEYS = ['observation/image', 'observation/state', 'prompt', 'reset', 'seed'];

const arbOpenpiRequest: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...OPENPI_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
  fc.oneof(arbOpenpiValue, fc.constantFrom(true, false, 0, -1, 2 ** 60)),
  { maxKeys: 6 },
);

/** msgpack headers declaring what never follows: bin32, str32, array32 and map32 of 2^32-1, nesting 100,000 deep, an ext. */
const OPENPI_HUGE_DECLARED = [
  Uint8Array.of(0x81, 0xa1, 0x61, 0xc6, 0xff, 0xff, 0xff, 0xff),
  Uint8Array.of(0x81, 0xa1, 0x61, 0xdb, 0xff, 0xff, 0xff, 0xff),
  Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff),
  Uint8Array.of(0xdf, 0xff, 0xff, 0xff, 0xff),
  Uint8Array.from([...new Array<number>(100_000).fill(0x91), 0xc0]),
  Uint8Array.of(0x81, 0xa1, 0x61, 0xc7, 0xff, 0x01),
];

type OpenpiCase = { kind: 'request'; request: Record<string, unknown> } | { kind: 'mutated'; request: Record<string, unknown>; mutation: Parameters<typeof mutateBytes>[1] } | { kind: 'bytes'; bytes: Uint8Array } | { kind: 'text'; text: string } | { kind: 'oversized'; bytes: number };

const encodeOpenpi = (r: Record<string, unknown>): Uint8Array => encodeMsgpack(r, { ignoreUndefined: true });

export function openpiFrameTarget(): FuzzTarget {
  let server: PolicyServer | undefined;
  let healthy: HealthySession | undefined;
  let attacker: RawSocket | undefined;
  let rejected = 0;
  const dir = join(BUNDLES, BUNDLE);
  const decoder = makeDecoder(2 ** 20);
  const openAttacker = async (url: string): Promise<RawSocket> => {
    const socket = await RawSocket.open(url);
    const metadata = await withinCaseTimeout(socket.next(), 'the openpi metadata frame');
    if (metadata.kind !== 'reply' || !metadata.isBinary) throw new Error('the openpi endpoint sent no metadata first');
    return socket;
  };
  return {
    name: 'policy server frames (openpi msgpack)',
    rejected: () => rejected,
    async property() {
      server = await PolicyServer.create({ bundles: [dir], port: 0, openpiPort: 0, maxFrameBytes: MAX_FRAME, inference: 'inline', warn: () => undefined });
      healthy = await HealthySession.open(`${server.url}/${BUNDLE}`, dir);
      const openpiUrl = server.openpiUrl!;
      const valid: Record<string, unknown> = {
        'observation/image': { __ndarray__: true, dtype: '|u1', shape: [16, 16, 3], data: new Uint8Array(16 * 16 * 3) },
        'observation/state': { __ndarray__: true, dtype: '<f4', shape: [4], data: new Uint8Array(16) },
        prompt: 'reach',
      };
      const arbCase: fc.Arbitrary<OpenpiCase> = fc.oneof(
        // Edits of a valid request: each key kept, replaced or removed.
        { weight: 6, arbitrary: arbOpenpiRequest.map((edit): OpenpiCase => ({ kind: 'request', request: Object.fromEntries(Object.entries({ ...valid, ...edit }).filter(([, v]) => v !== null)) })) },
        { weight: 2, arbitrary: arbOpenpiRequest.map((request): OpenpiCase => ({ kind: 'request', request })) },
        { weight: 3, arbitrary: fc.tuple(arbOpenpiRequest, arbByteMutation).map(([edit, mutation]): OpenpiCase => ({ kind: 'mutated', request: { ...valid, ...edit }, mutation })) },
        { weight: 1, arbitrary: fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(...OPENPI_HUGE_DECLARED)).map((bytes): OpenpiCase => ({ kind: 'bytes', bytes })) },
        { weight: 1, arbitrary: fc.string({ maxLength: 256 }).map((text): OpenpiCase => ({ kind: 'text', text })) },
        { weight: 1, arbitrary: fc.constantFrom(MAX_FRAME + 1, 2 * MAX_FRAME + 1).map((bytes): OpenpiCase => ({ kind: 'oversized', bytes })) },
      );
      return fc.asyncProperty(arbCase, async (c) => {
        if (!attacker || attacker.closed) attacker = await openAttacker(openpiUrl);
        let frame: Uint8Array | string;
        if (c.kind === 'request') frame = encodeOpenpi(c.request);
        else if (c.kind === 'mutated') frame = mutateBytes(encodeOpenpi(c.request), c.mutation);
        else if (c.kind === 'bytes') frame = c.bytes;
        else if (c.kind === 'text') frame = c.text;
        else frame = new Uint8Array(c.bytes);
        attacker.send(frame);
        const outcome = await withinCaseTimeout(attacker.next(), `the openpi endpoint's answer to a ${c.kind} frame`);
        if (outcome.kind === 'closed') {
          const size = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
          if (outcome.code !== TOO_BIG_CLOSE || size <= 2 * MAX_FRAME) throw new Error(`the openpi endpoint closed the socket (${outcome.code} '${outcome.reason}') on a ${size}-byte ${c.kind} frame`);
          rejected++;
        } else if (!outcome.isBinary) {
          rejected++;
          const text = outcome.data.toString();
          const m = /^momento: ([a-z-]+) at '(.+?)'/s.exec(text);
          if (!m || !FAULT_CODES.has(m[1]!)) throw new Error(`an openpi refusal without a known code and field: ${text.slice(0, 300)}`);
          if (text.length > 2500) throw new Error(`an openpi refusal of ${text.length} characters`);
        } else {
          const reply = decoder.decode(outcome.data) as Record<string, unknown>;
          if (reply['reset'] === true) return void (await healthy!.step());
          const actions = reply['actions'] as { data?: Uint8Array; shape?: number[] } | undefined;
          if (!actions?.data || actions.shape?.join('x') !== '8x3') throw new Error(`an openpi reply without actions [8, 3]: ${JSON.stringify(Object.keys(reply))}`);
          const values = new Float32Array(Uint8Array.from(actions.data).buffer);
          if (!values.every(Number.isFinite)) throw new Error('an openpi reply with non-finite actions');
        }
        await healthy!.step();
      });
    },
    async dispose() {
      attacker?.close();
      await healthy?.close();
      await server?.close();
    },
  };
}
