import { describe, expect, it } from 'vitest';
import { rawImageToFrame, compressedImageToFrame } from '../../../../src/transports/ros/ros-image.js';
import { asJointState, pickJoints, rosTime, stampNs } from '../../../../src/transports/ros/ros-messages.js';
import sharp from 'sharp';

describe('ROS messages', () => {
  it('reads ROS 1 and ROS 2 header stamps', () => {
    expect(stampNs({ stamp: { secs: 3, nsecs: 5 } })).toBe(3e9 + 5);
    expect(stampNs({ stamp: { sec: 3, nanosec: 5 } })).toBe(3e9 + 5);
    expect(stampNs({ stamp: { secs: 0, nsecs: 0 } })).toBeUndefined();
    expect(stampNs(undefined)).toBeUndefined();
    expect(rosTime(3e9 + 5, 'ros1')).toEqual({ secs: 3, nsecs: 5 });
    expect(rosTime(3e9 + 5, 'ros2')).toEqual({ sec: 3, nanosec: 5 });
  });

  it('picks joints by name in the manifest order and names a missing one', () => {
    const js = asJointState({ name: ['holding', 'y', 'wrist', 'x'], position: [0, 2, 9, 1], velocity: [], effort: [] }, '/joint_states');
    expect([...pickJoints(js, ['x', 'y', 'holding'], 'position', '/joint_states')]).toEqual([1, 2, 0]);
    expect(() => pickJoints(js, ['x', 'grip'], 'position', '/joint_states')).toThrow("/joint_states: joint 'grip' is not in the JointState (has holding, y, wrist, x)");
    expect(() => pickJoints(js, ['x'], 'velocity', '/joint_states')).toThrow("/joint_states: joint 'x' has no velocity");
  });
});

describe('camera messages → frames', () => {
  const target = { name: 'rgb', height: 2, width: 2, channels: 3 as const };

  it('reorders bgr8 and bgra8, skips row padding, widens mono8', async () => {
    // 2x2 bgr8 with two bytes of padding per row (step 8).
    const bgr = Uint8Array.of(3, 2, 1, 6, 5, 4, 0, 0, 9, 8, 7, 12, 11, 10, 0, 0);
    const f = await rawImageToFrame({ height: 2, width: 2, step: 8, encoding: 'bgr8', data: bgr }, target, '/cam');
    expect([...f.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const bgra = Uint8Array.of(3, 2, 1, 255, 6, 5, 4, 255, 9, 8, 7, 255, 12, 11, 10, 255);
    expect([...(await rawImageToFrame({ height: 2, width: 2, step: 8, encoding: 'bgra8', data: bgra }, target, '/cam')).data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const mono = await rawImageToFrame({ height: 2, width: 2, step: 2, encoding: 'mono8', data: Uint8Array.of(1, 2, 3, 4) }, target, '/cam');
    expect([...mono.data]).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
  });

  it("resizes to the policy's size and decodes png and jpeg", async () => {
    const big = new Uint8Array(8 * 8 * 3).fill(200);
    const f = await rawImageToFrame({ height: 8, width: 8, step: 24, encoding: 'rgb8', data: big }, target, '/cam');
    expect([f.height, f.width, f.data.length]).toEqual([2, 2, 12]);
    expect([...f.data].every((v) => v === 200)).toBe(true);
    const png = await sharp(big, { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer();
    const p = await compressedImageToFrame({ format: 'png', data: new Uint8Array(png) }, target, '/cam/compressed');
    expect([...p.data].every((v) => v === 200)).toBe(true);
    const jpeg = await sharp(big, { raw: { width: 8, height: 8, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
    const j = await compressedImageToFrame({ format: 'rgb8; jpeg compressed bgr8', data: new Uint8Array(jpeg) }, target, '/cam/compressed');
    expect([...j.data].every((v) => Math.abs(v - 200) <= 3)).toBe(true);
  });

  it('names the topic and the bad field', async () => {
    await expect(rawImageToFrame({ height: 2, width: 2, step: 6, encoding: '16UC1', data: new Uint8Array(12) }, target, '/cam')).rejects.toThrow("/cam: image encoding '16UC1' is not supported (rgb8, bgr8, rgba8, bgra8, mono8)");
    await expect(rawImageToFrame({ height: 2, width: 2, step: 6, encoding: 'rgb8', data: new Uint8Array(5) }, target, '/cam')).rejects.toThrow('/cam: image has 5 bytes, 2x2 rgb8 with step 6 needs 12');
    await expect(compressedImageToFrame({ format: 'tiff', data: new Uint8Array(4) }, target, '/c')).rejects.toThrow("/c: compressed format 'tiff' is not supported (jpeg, png)");
    await expect(compressedImageToFrame({ format: 'png', data: Uint8Array.of(1, 2, 3) }, target, '/c')).rejects.toThrow(/\/c: cannot decode the png image \(3 bytes\)/);
  });
});
