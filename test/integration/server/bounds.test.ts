// What a client controls on the policy server is bounded (issue 14): half-open handshakes are
// dropped at a deadline, connections and sessions (openpi connections included) are capped, a
// client that sends without reading is closed as a slow reader, the openpi endpoint keeps at most
// a few requests waiting per connection, and a request target that does not parse gets a 400
// instead of throwing in the upgrade handler. Every wait ends on an event; nothing races a clock.
import { connect } from 'node:net';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { pb } from '../../../src/core/wire.js';
import { MAX_QUEUED_REQUESTS } from '../../../src/server/openpi.js';
import { PolicyClient } from '../../../src/server/policy-client.js';
import { PolicyServer } from '../../../src/server/policy-server.js';
import { BUNDLES, neverFires, observations } from './server-fixtures.js';

const ROUTE = 'memoryvla-tiny';

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 10_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Opens a WebSocket; resolves with it, or with the HTTP status that refused the upgrade. */
function open(url: string): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

/** Sends raw bytes over TCP and resolves with everything the server answered until it closed. */
function rawHttp(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const s = connect(port, '127.0.0.1', () => s.write(text));
    s.on('data', (d: Buffer) => (answer += d.toString()));
    s.on('close', () => resolve(answer));
    s.on('error', () => undefined);
  });
}

describe('policy server: resource bounds', () => {
  it('drops half-open handshakes at the deadline and keeps serving', async () => {
    // Long enough that the healthy client's handshake below completes in time even on a loaded machine.
    await using server = await PolicyServer.create({ bundles: [BUNDLES.direct], port: 0, handshakeTimeoutMs: 1500 });
    const sockets = Array.from({ length: 20 }, () => connect(server.port, '127.0.0.1').on('error', () => undefined));
    for (const s of sockets) s.write('GET /memoryvla-tiny HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n');
    await Promise.all(sockets.map((s) => new Promise((resolve) => s.once('close', resolve))));
    expect(server.counters.handshakeTimeouts).toBe(20);
    await using client = await PolicyClient.connect(`${server.url}/${ROUTE}`);
    const result = await client.step(client.newEpisode(0), observations(client, 1, 0)[0]!);
    expect(result.chunk.values.every(Number.isFinite)).toBe(true);
    expect(server.counters.handshakeTimeouts).toBe(20);
  });

  it('answers an unparsable request target with 400 instead of throwing', async () => {
    await using server = await PolicyServer.create({ bundles: [BUNDLES.direct], port: 0 });
    const upgrade = (target: string) => `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    expect(await rawHttp(server.port, upgrade('/%zz'))).toMatch(/^HTTP\/1.1 400 /);
    expect(await rawHttp(server.port, upgrade('//['))).toMatch(/^HTTP\/1.1 400 /);
    expect(await rawHttp(server.port, 'GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1.1 404 /);
    await using client = await PolicyClient.connect(`${server.url}/${ROUTE}`);
    expect(client.name).toBe(ROUTE);
  });

  it('refuses connections beyond maxConnections with 503', async () => {
    await using server = await PolicyServer.create({ bundles: [BUNDLES.direct], port: 0, maxConnections: 2 });
    const url = `${server.url}/${ROUTE}`;
    const a = await open(url);
    const b = await open(url);
    expect(await open(url)).toBe(503);
    expect(server.counters.refusedConnections).toBe(1);
    for (const ws of [a, b]) if (typeof ws !== 'number') ws.terminate();
  });

  it('counts openpi connections against maxSessions', async () => {
    await using server = await PolicyServer.create({ bundles: [BUNDLES.direct], port: 0, openpiPort: 0, maxSessions: 2 });
    await using client = await PolicyClient.connect(`${server.url}/${ROUTE}`);
    const episode = client.newEpisode(0);
    await client.step(episode, observations(client, 1, 0)[0]!);
    const first = await open(server.openpiUrl!);
    expect(typeof first).not.toBe('number');
    expect(await open(server.openpiUrl!)).toBe(503);
    expect(server.counters.refusedConnections).toBe(1);
    // And the protobuf port refuses a third session too.
    const other = client.newEpisode(1);
    await expect(client.step(other, observations(client, 1, 0)[0]!)).rejects.toThrow(/busy.*maximum of 2 sessions/);
    if (typeof first !== 'number') first.terminate();
  });

  it('closes a client that sends without reading (slow reader) and keeps serving the others', async () => {
    await using server = await PolicyServer.create({ bundles: [BUNDLES.direct], port: 0, maxBufferedBytes: 64 * 1024 });
    const url = `${server.url}/${ROUTE}`;
    const flooder = await open(url);
    if (typeof flooder === 'number') throw new Error(`refused: ${flooder}`);
    flooder.pause();
    const closed = new Promise<number>((resolve) => flooder.once('close', resolve));
    const hello = pb.ServerRequest.encode({ id: 1, hello: { protocolVersion: 1 } }).finish();
    // Each welcome carries the manifest: enough of them fill the socket buffers and then the server's.
    const send = (): void => {
      if (flooder.readyState !== WebSocket.OPEN || server.counters.slowReaders > 0) return;
      for (let i = 0; i < 500; i++) flooder.send(hello);
      setImmediate(send);
    };
    send();
    await until(() => server.counters.slowReaders > 0, 'the slow-reader close');
    flooder.resume();
    expect([1008, 1006]).toContain(await closed);
    expect(server.counters.slowReaders).toBe(1);
    await using client = await PolicyClient.connect(url);
    expect((await client.step(client.newEpisode(0), observations(client, 1, 0)[0]!)).chunk.values.every(Number.isFinite)).toBe(true);
  });

  it('keeps at most MAX_QUEUED_REQUESTS openpi requests unanswered per connection; the rest are refused as busy', async () => {
    // No batching window: a batch leaves only when every attached session has a step waiting,
    // so a protobuf session that never steps holds the openpi step (and its queue) in place.
    await using server = await PolicyServer.create({ bundles: [BUNDLES.direct], port: 0, openpiPort: 0, schedule: neverFires });
    await using holder = await PolicyClient.connect(`${server.url}/${ROUTE}`);
    const held = holder.newEpisode(0);
    await holder.snapshot(held); // opens the session without stepping
    // The metadata may arrive with the handshake's answer: listen before the socket opens.
    const ws = new WebSocket(server.openpiUrl!);
    const replies: (string | Buffer)[] = [];
    ws.on('message', (data: Buffer, isBinary) => replies.push(isBinary ? data : data.toString()));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await until(() => replies.length === 1, 'the metadata');
    const request = encodeMsgpack({
      'observation/image': { __ndarray__: true, dtype: '|u1', shape: [16, 16, 3], data: new Uint8Array(16 * 16 * 3) },
      'observation/state': { __ndarray__: true, dtype: '<f4', shape: [4], data: new Uint8Array(16) },
      prompt: 'reach',
    });
    const sent = 10;
    for (let i = 0; i < sent; i++) ws.send(request);
    const refusals = (): string[] => replies.filter((r): r is string => typeof r === 'string');
    await until(() => refusals().length === sent - MAX_QUEUED_REQUESTS, `the busy refusals (${JSON.stringify(replies.map(String))})`);
    expect(refusals().every((r) => r.startsWith("momento: busy at 'frame'"))).toBe(true);
    // Let the held batch go: the running step and the queued ones are answered with actions.
    await holder.endEpisode(held);
    await until(() => replies.length === 1 + sent, 'every request answered');
    expect(replies.filter((r) => typeof r !== 'string').length).toBe(1 + MAX_QUEUED_REQUESTS);
    expect(refusals().length).toBe(sent - MAX_QUEUED_REQUESTS);
    ws.terminate();
  });

  it('lets a resume take over a session whose old socket the server still holds', async () => {
    await using server = await PolicyServer.create({ bundles: [BUNDLES.direct], port: 0 });
    const url = `${server.url}/${ROUTE}`;
    const exchange = (ws: WebSocket, request: Parameters<typeof pb.ServerRequest.encode>[0]) =>
      new Promise<ReturnType<typeof pb.ServerResponse.decode>>((resolve) => {
        ws.once('message', (data: Buffer) => resolve(pb.ServerResponse.decode(data)));
        ws.send(pb.ServerRequest.encode(request).finish());
      });
    const first = await open(url);
    const second = await open(url);
    if (typeof first === 'number' || typeof second === 'number') throw new Error('refused');
    const opened = (await exchange(first, { id: 1, open: { seed: 0 } })).opened!;
    // The client lost `first` on its side (the server has not noticed): it resumes on `second`.
    const resumed = await exchange(second, { id: 2, resume: { sessionId: opened.sessionId, resumeToken: opened.resumeToken } });
    expect(resumed.body).toBe('opened');
    const stale = await exchange(first, { id: 3, snapshot: {} });
    expect(stale.error?.code).toBe('superseded');
    // The old socket closing later does not detach the session from its new connection.
    first.terminate();
    await until(() => server.health().attached === 1 && server.health().sessions === 1, 'the old socket to close');
    expect((await exchange(second, { id: 4, snapshot: {} })).body).toBe('snapshot');
    expect(server.health().attached).toBe(1);
    second.terminate();
  });
});
