// `npx tsx test/soak/attacks.ts [--out file.json]`: the simulator attacks of issue 14, measured
// against an in-process server: a socket that sends 1,500 resets (image_size 256) and never
// reads, 300 half-open handshakes, connections beyond maxSessions, a 10,000-character task name.
// For each: what the server did, its peak RSS, and another session's worst step latency meanwhile.
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { startSimServer } from '../../sim/index.js';
import { pb } from '../../src/core/wire.js';
import { SimSession } from '../../src/transports/sim/index.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const MiB = 2 ** 20;
const rss = (): number => process.memoryUsage.rss() / MiB;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Steps `session` until `done()`, returning the slowest step in ms. */
async function stepWhile(session: SimSession, done: () => boolean): Promise<{ steps: number; worstMs: number }> {
  let worst = 0;
  let steps = 0;
  await session.reset({ task: 'pick-place-twice', seed: 1 });
  while (!done()) {
    const t0 = performance.now();
    const t = await session.step([0, 0, -1]);
    worst = Math.max(worst, performance.now() - t0);
    steps++;
    if (t.done) await session.reset({ task: 'pick-place-twice', seed: 1 });
  }
  return { steps, worstMs: worst };
}

const results: Record<string, unknown> = {};
{
  await using server = await startSimServer();
  await using other = await SimSession.connect(server.url);
  const before = rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 10);
  const flooder = new WebSocket(server.url);
  await new Promise((resolve, reject) => flooder.once('open', resolve).once('error', reject));
  flooder.pause();
  const closed = new Promise<number>((resolve) => flooder.once('close', resolve));
  // The other session steps from before the flood until the flooder is closed and 50 steps more.
  let after = -1;
  const meanwhileP = stepWhile(other, () => (after >= 0 ? ++after > 50 : server.counters.slowReaders > 0 && (after = 0) > 0));
  for (let id = 1; id <= 1500; id++) flooder.send(pb.SimRequest.encode({ id, reset: { task: 'reach', seed: id, imageSize: 256 } }).finish());
  flooder.resume();
  const code = await closed;
  const meanwhile = await meanwhileP;
  await sleep(500);
  clearInterval(sampler);
  results['unread replies (1,500 resets at 256 px, never read)'] = { closeCode: code, slowReaders: server.counters.slowReaders, rssBeforeMiB: before, peakRssMiB: peak, rssAfterMiB: rss(), otherSessionSteps: meanwhile.steps, otherSessionWorstStepMs: meanwhile.worstMs };
}
{
  await using server = await startSimServer();
  await using session = await SimSession.connect(server.url);
  const refused = await session.reset({ task: 'reach', seed: 0, imageSize: 512 }).then(() => 'accepted', (e: Error) => e.message);
  results['image_size 512'] = { answer: refused };
}
{
  await using server = await startSimServer({ handshakeTimeoutMs: 5000 });
  const before = rss();
  const sockets = Array.from({ length: 300 }, () => connect(server.port, '127.0.0.1').on('error', () => undefined));
  for (const s of sockets) s.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n');
  const t0 = performance.now();
  await Promise.all(sockets.map((s) => new Promise((resolve) => s.once('close', resolve))));
  results['300 half-open handshakes'] = { droppedAfterS: (performance.now() - t0) / 1000, handshakeTimeouts: server.counters.handshakeTimeouts, rssBeforeMiB: before, rssAfterMiB: rss() };
}
{
  await using server = await startSimServer({ maxSessions: 256 });
  const open: SimSession[] = [];
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    try {
      open.push(await SimSession.connect(server.url));
    } catch {
      refused++;
    }
  }
  results['300 connections, maxSessions 256'] = { accepted: open.length, refused, counted: server.counters.refusedSessions, peakRssMiB: rss() };
  await Promise.all(open.map((s) => s.close()));
}
{
  await using server = await startSimServer();
  const ws = new WebSocket(server.url);
  await new Promise((resolve) => ws.once('open', resolve));
  const reply = new Promise<Buffer>((resolve) => ws.once('message', resolve));
  ws.send(pb.SimRequest.encode({ id: 1, reset: { task: 'x'.repeat(10_000), seed: 0 } }).finish());
  const bytes = await reply;
  results['10,000-character task name'] = { replyBytes: bytes.length, message: pb.SimResponse.decode(bytes).error?.message };
  ws.terminate();
}
console.log(JSON.stringify(results, null, 2));
if (values.out) writeFileSync(values.out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
