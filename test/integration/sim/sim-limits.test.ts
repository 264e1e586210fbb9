// The simulator's resource bounds over real sockets (issue 14): a client that never reads its
// replies, oversized images, half-open handshakes, too many sessions, and long task names.
import { connect } from 'node:net';
import WebSocket from 'ws';
import { describe, expect, it, vi } from 'vitest';
import { SLOW_READER_CLOSE_CODE, startSimServer } from '../../../sim/index.js';
import { pb } from '../../../src/core/wire.js';
import { SimServerError, SimSession } from '../../../src/transports/sim/index.js';
import { RawSimSocket } from './raw-socket.js';

const WAIT = { timeout: 20_000, interval: 20 };

function resetFrame(id: number, imageSize: number): Uint8Array {
  return pb.SimRequest.encode({ id, reset: { task: 'reach', seed: id, imageSize } }).finish();
}

describe('simulator limits', () => {
  it('closes a session that keeps asking without reading its replies, and serves the others meanwhile', async () => {
    await using server = await startSimServer({ maxBufferedBytes: 1 << 20 });
    await using other = await SimSession.connect(server.url);
    await other.reset({ task: 'reach', seed: 1 });
    const flooder = new WebSocket(server.url);
    await new Promise((resolve, reject) => flooder.once('open', resolve).once('error', reject));
    flooder.pause(); // never reads: replies pile up on the server's side of the socket
    const closed = new Promise<number>((resolve) => flooder.once('close', resolve));
    for (let id = 1; id <= 1500; id++) flooder.send(resetFrame(id, 256));
    // Meanwhile the well-behaved session keeps stepping.
    let steps = 0;
    while (server.counters.slowReaders === 0) {
      await other.step([0.1, 0, -1]).catch(async (e: unknown) => {
        if (e instanceof SimServerError && e.code === 'episode-done') return other.reset({ task: 'reach', seed: 1 });
        throw e;
      });
      steps++;
    }
    flooder.resume();
    expect(await closed).toBe(SLOW_READER_CLOSE_CODE);
    await vi.waitFor(() => expect(server.sessions).toBe(1), WAIT);
    expect(server.counters.slowReaders).toBe(1);
    expect(steps).toBeGreaterThan(0);
    expect((await other.step([0, 0, -1])).observation.cameras).toHaveLength(1);
  });

  it('refuses image sizes above its limit, naming the limit; the limit is configurable', async () => {
    await using server = await startSimServer();
    await using session = await SimSession.connect(server.url);
    await expect(session.reset({ task: 'reach', seed: 0, imageSize: 512 })).rejects.toThrow(/image_size 512 exceeds this simulator's limit of 256.*bad-reset/);
    expect((await session.reset({ task: 'reach', seed: 0, imageSize: 256 })).observation.cameras[0]!.height).toBe(256);
    await using big = await startSimServer({ maxImageSize: 512 });
    await using bigSession = await SimSession.connect(big.url);
    expect((await bigSession.reset({ task: 'reach', seed: 0, imageSize: 512 })).observation.cameras[0]!.height).toBe(512);
    await expect(startSimServer({ maxImageSize: 1024 })).rejects.toThrow(/image size must be an integer in \[8, 512\], got 1024/);
  });

  it('drops connections whose handshake does not complete in time', async () => {
    await using server = await startSimServer({ handshakeTimeoutMs: 100 });
    const sockets = Array.from({ length: 20 }, () => connect(server.port, '127.0.0.1'));
    for (const s of sockets) {
      s.on('error', () => undefined);
      s.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n'); // never finished
    }
    await Promise.all(sockets.map((s) => new Promise((resolve) => s.once('close', resolve))));
    expect(server.counters.handshakeTimeouts).toBe(20);
    // A complete handshake still works.
    await using session = await SimSession.connect(server.url);
    expect((await session.tasks()).length).toBeGreaterThan(0);
  });

  it('refuses sessions beyond maxSessions with a 503 and accepts again once one closes', async () => {
    await using server = await startSimServer({ maxSessions: 2 });
    const a = await SimSession.connect(server.url);
    await using _b = await SimSession.connect(server.url);
    await expect(SimSession.connect(server.url)).rejects.toThrow(/503/);
    expect(server.counters.refusedSessions).toBe(1);
    await a.close();
    await vi.waitFor(() => expect(server.sessions).toBe(1), WAIT);
    await using c = await SimSession.connect(server.url);
    expect((await c.reset({ task: 'reach', seed: 0 })).step).toBe(0);
  });

  it('does not echo a long task name back whole', async () => {
    await using server = await startSimServer();
    await using raw = await RawSimSocket.open(server.url);
    raw.request({ id: 3, reset: { task: 'x'.repeat(10_000), seed: 0 } });
    const reply = await raw.next();
    expect(reply.error?.code).toBe('unknown-task');
    expect(reply.error?.message).toMatch(/unknown task 'x{64}…' \(10000 characters\)/);
    expect(reply.error!.message!.length).toBeLessThan(300);
  });
});
