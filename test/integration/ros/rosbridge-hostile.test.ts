// Frames a hostile (or broken) rosbridge server can send, each found by the fuzz suite (issue 14),
// against momento's RosConnection and RosObservationSource over a real socket: every one is a
// typed error naming rosbridge or the topic, the connection stays up (no spoofed 'close' or
// 'connection'), nothing throws into the socket, and the next valid JointState is taken.
import { encode as encodeCbor } from 'cbor2';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import sharp from 'sharp';
import { readManifest } from '../../../src/bundle/load.js';
import { MAX_IMAGE_PIXELS } from '../../../src/transports/ros/ros-image.js';
import { RosConnection, RosObservationSource, parseRosConfig, type RosConnectionEvent } from '../../../src/transports/ros/index.js';
import { BUNDLES } from '../../helpers/reference.js';
import { configYaml } from '../../helpers/ros-config.js';

const JOINTS = ['x', 'y', 'grip', 'holding'];

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; !cond(); i++) {
    if (i > 10_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('ROS source: hostile rosbridge frames', () => {
  it('refuses each with a typed error and keeps taking valid frames', { timeout: 60_000 }, async () => {
    const uncaught: unknown[] = [];
    const trap = (e: unknown): void => void uncaught.push(e);
    process.on('uncaughtException', trap);
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    let peer: WebSocket | undefined;
    wss.on('connection', (ws) => (peer = ws));
    const errors: Error[] = [];
    const events: RosConnectionEvent[] = [];
    const connection = RosConnection.create({ url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, onEvent: (e) => (events.push(e), e.kind === 'error' && errors.push(e.error)) });
    try {
      await connection.whenConnected(10_000);
      const { manifest } = readManifest(join(BUNDLES, 'hamlet-tiny'));
      const source = new RosObservationSource({ connection, config: parseRosConfig(configYaml('compressed'), 'hostile.yaml'), manifest, now: () => performance.now() * 1e6, onFrameError: (e) => errors.push(e) });
      let marker = 0;
      /** Sends `frame`, then a valid JointState; resolves with the errors in between once that arrived. */
      const exchange = async (frame: string | Uint8Array): Promise<Error[]> => {
        const from = errors.length;
        peer!.send(frame, { binary: typeof frame !== 'string' });
        const id = `m${++marker}`;
        peer!.send(JSON.stringify({ op: 'publish', topic: '/joint_states', msg: { header: { stamp: { secs: 100 + marker, nsecs: 0 }, frame_id: id }, name: JOINTS, position: [0, 0, 0, 0] } }));
        await until(() => source.latestJointState?.header?.frame_id === id && source.decoding === 0, `marker ${id}`);
        return errors.slice(from);
      };
      const expectError = async (frame: string | Uint8Array, pattern: RegExp): Promise<void> => {
        const got = await exchange(frame);
        expect(got.map((e) => e.message)).toEqual([expect.stringMatching(pattern)]);
      };

      // A fragment count past any real message: `new Array(2^32)` used to throw inside the socket's handler.
      await expectError(JSON.stringify({ op: 'fragment', id: 'a', data: 'x', num: 0, total: 2 ** 32 }), /rosbridge sent a fragment of 4294967296 in all/);
      // roslib routes 'publish' by topic name on its own emitter: 'close' and 'connection' are its events.
      await expectError(JSON.stringify({ op: 'publish', topic: 'close', msg: {} }), /rosbridge sent a 'publish' op whose 'topic' is 'close' \(reserved\)/);
      await expectError(JSON.stringify({ op: 'service_response', id: 'connection', result: true }), /'id' is 'connection' \(reserved\)/);
      // PNG-compressed messages would be inflated without a limit; momento never asks for them.
      await expectError(JSON.stringify({ op: 'png', data: 'AAAA' }), /op 'png', which momento does not handle/);
      await expectError(JSON.stringify({ op: 'x'.repeat(10_000) }), /op 'x{64}… \(10000 chars\)'/);
      await expectError('[1, 2]', /rosbridge sent a list/);
      await expectError(Uint8Array.of(0xff, 0x00), /not CBOR/);
      // 1e39 is Infinity as float32; CBOR carries NaN as it is.
      await expectError(JSON.stringify({ op: 'publish', topic: '/joint_states', msg: { name: JOINTS, position: [0, 1e39, 0, 0] } }), /\/joint_states: joint 'y' position is Infinity as float32, not finite/);
      await expectError(encodeCbor({ op: 'publish', topic: '/joint_states', msg: { name: JOINTS, position: Float64Array.of(NaN, 0, 0, 0) } }), /joint 'x' position is NaN/);
      // A small PNG of 5000 x 4000 pixels (past MAX_IMAGE_PIXELS) is refused by its header, before decoding.
      const bomb = await sharp(Buffer.alloc(5000 * 4000), { raw: { width: 5000, height: 4000, channels: 1 } }).png({ compressionLevel: 9 }).toBuffer();
      expect(bomb.length).toBeLessThan(MAX_IMAGE_PIXELS / 100);
      await expectError(JSON.stringify({ op: 'publish', topic: '/camera/image_raw/compressed', msg: { format: 'png', data: bomb.toString('base64') } }), /\/camera\/image_raw\/compressed: cannot decode the png image.*pixel limit/i);
      // An Infinity stamp would have blocked the input for good (stamps only move forward): it is ignored.
      expect(await exchange(encodeCbor({ op: 'publish', topic: '/joint_states', msg: { header: { stamp: { secs: Infinity, nsecs: 0 } }, name: JOINTS, position: [0, 0, 0, 0] } }))).toEqual([]);
      expect(Number.isFinite(source.assembler.latest<Float32Array>('joints')!.stampNs)).toBe(true);

      expect(uncaught).toEqual([]);
      expect(connection.connections).toBe(1);
      expect(events.filter((e) => e.kind !== 'error')).toEqual([{ kind: 'connected', connection: 1 }]);
      source.close();
    } finally {
      process.off('uncaughtException', trap);
      await connection.close();
      peer?.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  });
});
