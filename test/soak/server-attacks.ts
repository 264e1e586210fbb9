// `npx tsx test/soak/server-attacks.ts [--out file.json]`: the policy-server attacks of issue 14,
// measured against an in-process PolicyServer (memoryvla-tiny, default limits): hellos sent on a
// socket that never reads, 300 half-open handshakes, connections beyond maxConnections, openpi
// requests sent without waiting, a 40 MiB frame. For each: what the server did, its peak RSS, and
// another session's worst step latency meanwhile.
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encode as encodeMsgpack } from '@msgpack/msgpack';
import { WebSocket } from 'ws';
import { pb } from '../../src/core/wire.js';
import { syntheticObservations } from '../../src/runtime/synthetic.js';
import { PolicyClient } from '../../src/server/policy-client.js';
import { PolicyServer } from '../../src/server/policy-server.js';
import { BUNDLES } from '../helpers/reference.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const MiB = 2 ** 20;
const rss = (): number => process.memoryUsage.rss() / MiB;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const BUNDLE = join(BUNDLES, 'memoryvla-tiny');

/** Another client's session stepping until `done()`: its step count and worst step, ms. */
async function stepWhile(client: PolicyClient, done: () => boolean): Promise<{ steps: number; worstMs: number }> {
  const observations = [...syntheticObservations(client.manifest, 32, 3)];
  const episode = client.newEpisode(3);
  let worst = 0;
  let steps = 0;
  while (!done() || steps < 20) {
    const t0 = performance.now();
    await client.step(episode, { ...observations[steps % observations.length]!, index: steps });
    worst = Math.max(worst, performance.now() - t0);
    steps++;
  }
  await client.endEpisode(episode);
  return { steps, worstMs: worst };
}

/** Runs `attack` with the RSS sampled every 10 ms and another session stepping until it resolves. */
async function measure<T>(server: PolicyServer, attack: () => Promise<T>): Promise<T & { rssBeforeMiB: number; peakRssMiB: number; rssAfterMiB: number; otherSessionSteps: number; otherSessionWorstStepMs: number }> {
  await using other = await PolicyClient.connect(`${server.url}/memoryvla-tiny`);
  const before = rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 10);
  let finished = false;
  const meanwhile = stepWhile(other, () => finished);
  const result = await attack();
  finished = true;
  const m = await meanwhile;
  await sleep(500);
  clearInterval(sampler);
  return { ...result, rssBeforeMiB: before, peakRssMiB: peak, rssAfterMiB: rss(), otherSessionSteps: m.steps, otherSessionWorstStepMs: m.worstMs };
}

const results: Record<string, unknown> = {};
{
  await using server = await PolicyServer.create({ bundles: [BUNDLE], port: 0 });
  results['hellos on a socket that never reads'] = await measure(server, async () => {
    const ws = new WebSocket(`${server.url}/memoryvla-tiny`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.pause();
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    const hello = pb.ServerRequest.encode({ id: 1, hello: { protocolVersion: 1 } }).finish();
    let sent = 0;
    while (server.counters.slowReaders === 0 && ws.readyState === WebSocket.OPEN) {
      for (let i = 0; i < 500; i++) ws.send(hello);
      sent += 500;
      await new Promise((r) => setImmediate(r));
    }
    ws.resume();
    return { hellosSent: sent, closeCode: await closed, slowReaders: server.counters.slowReaders };
  });
}
{
  await using server = await PolicyServer.create({ bundles: [BUNDLE], port: 0 });
  results['300 half-open handshakes'] = await measure(server, async () => {
    const t0 = performance.now();
    const sockets = Array.from({ length: 300 }, () => connect(server.port, '127.0.0.1').on('error', () => undefined));
    for (const s of sockets) s.write('GET /memoryvla-tiny HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n');
    await Promise.all(sockets.map((s) => new Promise((resolve) => s.once('close', resolve))));
    return { droppedAfterS: (performance.now() - t0) / 1000, handshakeTimeouts: server.counters.handshakeTimeouts };
  });
}
{
  await using server = await PolicyServer.create({ bundles: [BUNDLE], port: 0, maxConnections: 256 });
  results['300 connections, maxConnections 256'] = await measure(server, async () => {
    const open: WebSocket[] = [];
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const ws = new WebSocket(`${server.url}/memoryvla-tiny`);
      const ok = await new Promise<boolean>((resolve) => ws.once('open', () => resolve(true)).once('unexpected-response', () => resolve(false)).once('error', () => resolve(false)));
      if (ok) open.push(ws);
      else refused++;
    }
    for (const ws of open) ws.terminate();
    return { accepted: open.length, refused, counted: server.counters.refusedConnections };
  });
}
{
  await using server = await PolicyServer.create({ bundles: [BUNDLE], port: 0, openpiPort: 0 });
  results['1,000 openpi requests sent without waiting'] = await measure(server, async () => {
    const ws = new WebSocket(server.openpiUrl!);
    const replies = { actions: 0, busy: 0, other: 0 };
    let seen = 0;
    ws.on('message', (data: Buffer, isBinary) => {
      seen++;
      if (isBinary) replies.actions++;
      else if (data.toString().startsWith('momento: busy')) replies.busy++;
      else replies.other++;
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const request = encodeMsgpack({
      'observation/image': { __ndarray__: true, dtype: '|u1', shape: [16, 16, 3], data: new Uint8Array(16 * 16 * 3) },
      'observation/state': { __ndarray__: true, dtype: '<f4', shape: [4], data: new Uint8Array(16) },
      prompt: 'reach',
    });
    for (let i = 0; i < 1000; i++) ws.send(request);
    while (seen < 1001) await sleep(10); // the metadata, then one answer per request
    ws.terminate();
    return { replies: { ...replies, actions: replies.actions - 1 } };
  });
}
{
  await using server = await PolicyServer.create({ bundles: [BUNDLE], port: 0 });
  results['a 40 MiB frame (limit 16 MiB, hard limit 32 MiB)'] = await measure(server, async () => {
    const ws = new WebSocket(`${server.url}/memoryvla-tiny`, { maxPayload: 64 * MiB });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send(new Uint8Array(40 * MiB));
    return { closeCode: await closed };
  });
}
console.log(JSON.stringify(results, null, 2));
if (values.out) writeFileSync(values.out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2)}\n`);
