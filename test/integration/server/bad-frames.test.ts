// Hostile and broken frames against a real server over loopback: each gets a typed ServerError
// naming the field and value, the connection and its session stay usable, and another client's
// session keeps stepping with results equal to a separate in-process run.
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { pb, type momento } from '../../../src/core/wire.js';
import { observationToWire } from '../../../src/server/observation-input.js';
import { PolicyClient, PolicyServerError } from '../../../src/server/policy-client.js';
import { PolicyServer } from '../../../src/server/policy-server.js';
import { BUNDLES, maxDiff, observations, referenceChunks } from './server-fixtures.js';

/** A raw client that sends whatever bytes it is given and collects the replies. */
async function rawClient(url: string): Promise<{ ws: WebSocket; next: () => Promise<momento.v1.ServerResponse> }> {
  const ws = new WebSocket(url);
  const replies: momento.v1.ServerResponse[] = [];
  const waiters: ((r: momento.v1.ServerResponse) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const r = pb.ServerResponse.decode(data);
    const w = waiters.shift();
    if (w) w(r);
    else replies.push(r);
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, next: () => new Promise((resolve) => (replies.length > 0 ? resolve(replies.shift()!) : waiters.push(resolve))) };
}

const request = (r: momento.v1.IServerRequest): Uint8Array => pb.ServerRequest.encode(r).finish();

describe('policy server: bad frames', () => {
  it('answers each bad frame with a typed error and keeps every session usable', async () => {
    const dir = BUNDLES.direct;
    await using server = await PolicyServer.create({ bundles: [dir], port: 0, maxFrameBytes: 64 * 1024 });
    const url = `${server.url}/memoryvla-tiny`;
    await using good = await PolicyClient.connect(url);
    const goodObs = observations(good, 30, 7);
    const goodEpisode = good.newEpisode(7);
    const goodChunks: Float32Array[] = [];
    const stepGood = async (): Promise<void> => {
      goodChunks.push((await good.step(goodEpisode, goodObs[goodChunks.length]!)).chunk.values);
    };

    const { ws, next } = await rawClient(url);
    const obs = observationToWire(observations(good, 1, 0)[0]!);
    const cam = obs.cameras![0]!;
    const expectError = async (frame: Uint8Array | string, code: string, field: string, value?: string): Promise<void> => {
      ws.send(frame, { binary: typeof frame !== 'string' });
      const reply = await next();
      expect(reply.body).toBe('error');
      expect(reply.error!.code).toBe(code);
      expect(reply.error!.field).toBe(field);
      if (value !== undefined) expect(reply.error!.value).toBe(value);
      expect(reply.error!.message).not.toMatch(/\n\s+at /); // no stack traces
      await stepGood();
    };

    // Before a session exists.
    await expectError(request({ id: 1, step: { observation: obs } }), 'no-session', 'step');
    ws.send(request({ id: 2, open: { seed: 0 } }));
    expect((await next()).body).toBe('opened');

    await expectError('{"step": {}}', 'bad-frame', 'frame', 'text');
    await expectError(new Uint8Array(100 * 1024), 'frame-too-large', 'frame', `${100 * 1024} bytes`);
    await expectError(Uint8Array.of(0xff, 0xff, 0xff), 'bad-frame', 'ServerRequest');
    // Field 5 (step) sent as a varint, where a message belongs.
    await expectError(Uint8Array.of(0x08, 0x03, 0x28, 0x01), 'bad-field', 'step', 'wire type varint');
    await expectError(request({ id: 3, step: { observation: { ...obs, cameras: [{ ...cam, data: cam.data!.subarray(1) }] } } }), 'bad-tensor', 'observation.cameras[0].data', `${cam.data!.length - 1} bytes`);
    const [h, w, c] = cam.shape!;
    await expectError(request({ id: 4, step: { observation: { ...obs, cameras: [{ ...cam, shape: [w!, h! * c!, 1] }] } } }), 'bad-tensor', 'observation.cameras[0].shape');
    await expectError(request({ id: 5, step: { observation: { ...obs, cameras: [{ ...cam, dtype: pb.DType.FLOAT32, data: new Uint8Array(h! * w! * c! * 4) }] } } }), 'bad-tensor', 'observation.cameras[0].dtype', 'FLOAT32');
    await expectError(request({ id: 6, step: { observation: { ...obs, proprio: obs.proprio!.map((v, i) => (i === 1 ? NaN : v)) } } }), 'non-finite', 'observation.proprio[1]', 'NaN');
    await expectError(request({ id: 7, step: { observation: { ...obs, proprio: obs.proprio!.map((v, i) => (i === 0 ? Infinity : v)) } } }), 'non-finite', 'observation.proprio[0]', 'Infinity');
    await expectError(request({ id: 8, step: { observation: { ...obs, proprio: [1] } } }), 'bad-field', 'observation.proprio', '1 values');
    await expectError(request({ id: 9, step: { observation: { ...obs, instruction: { taskId: 'x'.repeat(10_000) } } } }), 'bad-field', 'observation.instruction.task_id');
    await expectError(request({ id: 10, step: {} }), 'bad-field', 'step.observation', 'missing');
    await expectError(request({ id: 11 }), 'bad-frame', 'body');

    // The raw session still works after all of that.
    ws.send(request({ id: 12, step: { observation: obs } }));
    const ok = await next();
    expect(ok.body).toBe('step');
    expect(Number(ok.step!.result!.step)).toBe(0);

    // Closed session: typed refusal, not a crash.
    ws.send(request({ id: 13, close: {} }));
    expect((await next()).body).toBe('ok');
    await expectError(request({ id: 14, step: { observation: obs } }), 'session-closed', 'session_id');
    ws.close();

    const [reference] = await referenceChunks(dir, [{ seed: 7, obs: goodObs.slice(0, goodChunks.length) }]);
    expect(maxDiff(goodChunks, reference!)).toBeLessThan(1e-5);
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/momento_errors_total\{code="non-finite"\} 2/);
    expect(metrics).toMatch(new RegExp(`momento_steps_total\\{bundle="memoryvla-tiny"\\} ${goodChunks.length + 1}`));
  });

  it('refuses a client whose declared contract disagrees, before its first step', async () => {
    await using server = await PolicyServer.create({ bundles: [BUNDLES.direct], port: 0 });
    const err = await PolicyClient.connect(`${server.url}/memoryvla-tiny`, { expect: { chunk: 99 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyServerError);
    expect((err as PolicyServerError).code).toBe('incompatible');
    expect((err as PolicyServerError).message).toMatch(/chunk: client expects 99/);
    await using ok = await PolicyClient.connect(`${server.url}/memoryvla-tiny`, { expect: { bundle: 'memoryvla-tiny', actionNames: [...(await PolicyClient.connect(`${server.url}/memoryvla-tiny`)).manifest.action.names] } });
    expect(ok.manifest.name).toBe('memoryvla-tiny');
  });

  it('checks the bearer token at the upgrade and serves /healthz', async () => {
    await using server = await PolicyServer.create({ bundles: [BUNDLES.direct], port: 0, token: 's3cret' });
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:/);
    await expect(PolicyClient.connect(`${server.url}/memoryvla-tiny`)).rejects.toThrow(/HTTP 401/);
    await expect(PolicyClient.connect(`${server.url}/memoryvla-tiny`, { token: 'wrong' })).rejects.toThrow(/HTTP 401/);
    await expect(PolicyClient.connect(`${server.url}/nope`, { token: 's3cret' })).rejects.toThrow(/HTTP 404/);
    await using client = await PolicyClient.connect(`${server.url}/memoryvla-tiny`, { token: 's3cret' });
    expect(client.manifest.name).toBe('memoryvla-tiny');
    const health = (await (await fetch(`${server.httpUrl}/healthz`)).json()) as { status: string; bundles: string[] };
    expect(health).toMatchObject({ status: 'ok', bundles: ['memoryvla-tiny'] });
  });
});
