// The openpi-compatible endpoint, driven by a client written here from openpi's wire format (not
// from the server's code): msgpack frames, numpy arrays as maps {__ndarray__, data, dtype, shape}
// whose keys Python's msgpack writes as bin; metadata first, then one reply per observation.
import { Decoder, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { PolicyServer } from '../../../src/server/policy-server.js';
import { Policy } from '../../../src/policy/policy.js';
import { BUNDLES, maxDiff, observations, referenceChunks } from './server-fixtures.js';

// --- a minimal openpi client: what openpi_client.msgpack_numpy does, in TypeScript ---
const bin = (s: string): Uint8Array => new TextEncoder().encode(s);
function cat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}
/** numpy array → {b"__ndarray__": True, b"data": bytes, b"dtype": str, b"shape": tuple} */
function ndarray(data: Uint8Array, dtype: string, shape: number[]): Uint8Array {
  return cat([Uint8Array.of(0x84), encode(bin('__ndarray__')), encode(true), encode(bin('data')), encode(data), encode(bin('dtype')), encode(dtype), encode(bin('shape')), encode(shape)]);
}
/** A map with str keys whose values are already packed. */
function packMap(entries: [string, Uint8Array][]): Uint8Array {
  return cat([Uint8Array.of(0x80 | entries.length), ...entries.flatMap(([k, v]) => [encode(k), v])]);
}
// Python packs numpy's keys as bytes: read map keys of either kind as text.
const decoder = new Decoder({ mapKeyConverter: (k: unknown) => (k instanceof Uint8Array ? new TextDecoder().decode(k) : (k as string | number)) });
function unpack(frame: Uint8Array): Record<string, unknown> {
  const revive = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array || Array.isArray(v)) return v;
    const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
    if (o['__ndarray__'] === true) {
      expect(o['dtype']).toBe('<f4');
      return { shape: o['shape'], values: new Float32Array(Uint8Array.from(o['data'] as Uint8Array).buffer) };
    }
    return o;
  };
  return revive(decoder.decode(frame)) as Record<string, unknown>;
}

interface Reply {
  actions: { shape: number[]; values: Float32Array };
  server_timing: Record<string, number>;
  step: number;
}

async function openpiClient(url: string): Promise<{ metadata: Record<string, unknown>; infer: (frame: Uint8Array) => Promise<Reply | string>; close: () => void }> {
  const ws = new WebSocket(url);
  const queue: (Buffer | string)[] = [];
  const waiters: ((m: Buffer | string) => void)[] = [];
  ws.on('message', (data: Buffer, isBinary) => {
    const m = isBinary ? data : data.toString();
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const recv = (): Promise<Buffer | string> => new Promise((r) => (queue.length > 0 ? r(queue.shift()!) : waiters.push(r)));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const metadata = unpack((await recv()) as Buffer);
  return {
    metadata,
    infer: async (frame) => {
      ws.send(frame);
      const m = await recv();
      return typeof m === 'string' ? m : (unpack(m) as unknown as Reply);
    },
    close: () => ws.close(),
  };
}

describe('openpi-compatible endpoint', () => {
  it('serves actions with per-connection memory to an openpi-format client', async () => {
    const dir = BUNDLES.direct;
    await using server = await PolicyServer.create({ bundles: [dir], port: 0, openpiPort: 0 });
    expect(server.openpiUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    await using policy = await Policy.load(dir, { inference: 'inline' });
    const m = policy.manifest;
    const obs = observations(policy, 6, 0);
    const frameOf = (i: number, extra: [string, Uint8Array][] = []): Uint8Array => {
      const o = obs[i]!;
      const cam = o.cameras[0]!;
      return packMap([
        ['observation/image', ndarray(cam.data, '|u1', [cam.height, cam.width, cam.channels])],
        ['observation/state', ndarray(new Uint8Array(Float64Array.from(o.proprio).buffer), '<f8', [o.proprio.length])],
        ['prompt', encode(o.instruction.taskId)],
        ...extra,
      ]);
    };
    const client = await openpiClient(server.openpiUrl!);
    expect(client.metadata).toMatchObject({ server: 'momento', bundle: m.name, action_horizon: m.action.chunk, action_dim: m.action.names.length });
    const chunks: Float32Array[] = [];
    for (let i = 0; i < 6; i++) {
      const reply = await client.infer(frameOf(i));
      if (typeof reply === 'string') throw new Error(reply);
      expect(reply.actions.shape).toEqual([m.action.chunk, m.action.names.length]);
      expect(reply.step).toBe(i);
      expect(typeof reply.server_timing['infer_ms']).toBe('number');
      chunks.push(reply.actions.values);
    }
    // The openpi endpoint numbers observations itself; the reference gets the same stamps.
    const stamped = obs.map((o, i) => ({ ...o, index: i, stampNs: Math.round((i * 1e9) / m.action.rate_hz) }));
    const [reference] = await referenceChunks(dir, [{ seed: 0, obs: stamped }]);
    expect(maxDiff(chunks, reference!)).toBeLessThan(1e-5);

    // A bad request is refused as text (openpi's client raises it); the connection stays usable.
    const refused = await client.infer(packMap([['observation/image', ndarray(new Uint8Array(5), '|u1', [2, 2, 2])]]));
    expect(refused).toMatch(/bad-tensor at 'observation\/image.data'/);
    const nan = await client.infer(packMap([
      ['observation/image', ndarray(obs[0]!.cameras[0]!.data, '|u1', [m.observation.cameras[0]!.height, m.observation.cameras[0]!.width, m.observation.cameras[0]!.channels])],
      ['observation/state', ndarray(new Uint8Array(Float32Array.from(obs[0]!.proprio, (v, i) => (i === 0 ? NaN : v)).buffer), '<f4', [obs[0]!.proprio.length])],
      ['prompt', encode(obs[0]!.instruction.taskId)],
    ]));
    expect(nan).toMatch(/non-finite at 'observation\/state\[0\]'/);

    // `reset` starts a new episode in the same connection: the first chunk again.
    const again = await client.infer(frameOf(0, [['reset', encode(true)]]));
    if (typeof again === 'string') throw new Error(again);
    expect(again.step).toBe(0);
    expect(maxDiff([again.actions.values], [chunks[0]!])).toBeLessThan(1e-5);
    client.close();
  });
});
