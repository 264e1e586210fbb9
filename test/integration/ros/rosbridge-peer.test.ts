// The test peer behaves like a rosbridge v2 server where a client can notice: errors are silent
// unless status ops are asked for, service replies echo the id, CBOR uses little-endian
// typed-array tags, unsubscribe by id removes one subscription.
import { decode } from 'cbor2';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { RosbridgePeer, type RosbridgePeerOptions } from '../../peers/rosbridge/rosbridge-peer.js';

const GUARD_MS = 10_000;
const open: AsyncDisposable[] = [];
afterEach(async () => {
  for (const d of open.reverse()) await d[Symbol.asyncDispose]();
  open.length = 0;
});

interface RawClient {
  send(op: Record<string, unknown>): void;
  next(): Promise<unknown>;
  /** Everything received so far. */
  readonly inbox: unknown[];
}

async function client(options: RosbridgePeerOptions = {}): Promise<{ peer: RosbridgePeer; c: RawClient }> {
  const peer = await RosbridgePeer.start(options);
  const ws = new WebSocket(peer.url);
  open.push(peer, { [Symbol.asyncDispose]: () => Promise.resolve(ws.close()) });
  await new Promise((r) => ws.once('open', r));
  const inbox: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  ws.on('message', (data, binary) => {
    const m = binary ? decode(new Uint8Array(data as Buffer)) : JSON.parse((data as Buffer).toString());
    inbox.push(m);
    waiting.shift()?.(m);
  });
  const c: RawClient = {
    send: (op) => ws.send(JSON.stringify(op)),
    next: () =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no message')), GUARD_MS);
        waiting.push((m) => (clearTimeout(t), resolve(m)));
      }),
    inbox,
  };
  return { peer, c };
}

/** A round trip: once the reply to this call arrives, everything sent before it was handled. */
async function sync(c: RawClient, id: string): Promise<unknown> {
  c.send({ op: 'call_service', id, service: '/rosapi/topics' });
  for (;;) {
    const m = (await c.next()) as Record<string, unknown>;
    if (m['id'] === id) return m;
  }
}

describe('rosbridge peer', () => {
  it('drops bad ops silently, as the real servers do', async () => {
    const { peer, c } = await client();
    const got: unknown[] = [];
    peer.subscribe('/cmd', 'std_msgs/Float64MultiArray', (m) => got.push(m));
    c.send({ op: 'advertise', topic: '/x', type: 'nope_msgs/Nope' });
    c.send({ op: 'advertise', topic: '/cmd', type: 'std_msgs/String' });
    c.send({ op: 'advertise', topic: '/cmd', type: 'std_msgs/Float64MultiArray' });
    c.send({ op: 'publish', topic: '/cmd', msg: { data: [1, null] } });
    c.send({ op: 'publish', topic: '/cmd', msg: { data: [1], colour: 'red' } });
    c.send({ op: 'publish', topic: '/cmd', msg: { data: [1, 2] } });
    c.send({ op: 'bogus' });
    const reply = (await sync(c, 'sync-1')) as Record<string, unknown>;
    expect(c.inbox).toEqual([reply]);
    expect(reply).toMatchObject({ op: 'service_response', id: 'sync-1', result: true });
    expect(got).toHaveLength(1);
    expect(got[0]).toEqual({ layout: { dim: [], data_offset: 0 }, data: [1, 2] });
  });

  it('sends status ops for errors when asked to, honouring set_level', async () => {
    const { c } = await client({ statusOps: true });
    c.send({ op: 'publish', id: 'p1', topic: '/missing', msg: {} });
    expect(await c.next()).toMatchObject({ op: 'status', level: 'error', id: 'p1' });
    c.send({ op: 'set_level', level: 'none' });
    c.send({ op: 'bogus', id: 'b1' });
    await sync(c, 'sync-2');
    expect(c.inbox.filter((m) => (m as { op: string }).op === 'status')).toHaveLength(1);
  });

  it('answers call_service with the id echoed, for rosapi and unknown services', async () => {
    const { peer, c } = await client({ distro: 'ros2' });
    peer.declareTopic('/joint_states', 'sensor_msgs/JointState');
    c.send({ op: 'call_service', id: 7, service: '/rosapi/topic_type', args: { topic: '/joint_states' } });
    expect(await c.next()).toEqual({ op: 'service_response', service: '/rosapi/topic_type', result: true, values: { type: 'sensor_msgs/msg/JointState' }, id: 7 });
    c.send({ op: 'call_service', id: 'u', service: '/nothing' });
    expect(await c.next()).toMatchObject({ op: 'service_response', id: 'u', result: false });
  });

  it('CBOR: uint8[] as a byte string, float64[] as tag 86 (little-endian), JSON: uint8[] as base64', async () => {
    const { peer, c } = await client();
    c.send({ op: 'subscribe', id: 's1', topic: '/cmd', type: 'std_msgs/Float64MultiArray', compression: 'cbor' });
    c.send({ op: 'subscribe', id: 's2', topic: '/img', type: 'sensor_msgs/Image' });
    await sync(c, 'sync-3');
    peer.publish('/cmd', 'std_msgs/Float64MultiArray', { data: [1.5, -2] });
    const m = (await c.next()) as { msg: { data: unknown } };
    expect(m.msg.data).toBeInstanceOf(Float64Array);
    expect([...(m.msg.data as Float64Array)]).toEqual([1.5, -2]);
    peer.publish('/img', 'sensor_msgs/Image', { height: 1, width: 1, encoding: 'rgb8', step: 3, data: Uint8Array.of(1, 2, 3) });
    expect(((await c.next()) as { msg: { data: unknown } }).msg.data).toBe(Buffer.from([1, 2, 3]).toString('base64'));
    // Unsubscribe by id removes that subscription only.
    c.send({ op: 'subscribe', id: 's3', topic: '/img', type: 'sensor_msgs/Image' });
    c.send({ op: 'unsubscribe', id: 's2', topic: '/img' });
    await sync(c, 'sync-4');
    expect(peer.subscriptionCount('/img')).toBe(1);
  });
});
