import { describe, expect, it } from 'vitest';
import type { CameraFrame } from '../../../../src/core/types.js';
import { ObservationAssembler } from '../../../../src/transports/ros/index.js';

const MS = 1e6;
const frame = (v: number): CameraFrame => ({ name: 'rgb', height: 1, width: 1, channels: 3, data: Uint8Array.of(v, v, v) });
const joints = (v: number): Float32Array => Float32Array.of(v, v);

function setup(): { a: ObservationAssembler; clock: { now: number } } {
  const clock = { now: 1000 * MS };
  const a = new ObservationAssembler({ cameras: ['rgb'], toleranceNs: 10 * MS, stalenessNs: 500 * MS, now: () => clock.now });
  a.setTask('reach');
  return { a, clock };
}

describe('ObservationAssembler', () => {
  it('matches the newest camera frame with the joint sample nearest in stamp, within the tolerance', () => {
    const { a, clock } = setup();
    expect(a.addJoints({ stampNs: 100 * MS, receivedNs: clock.now, value: joints(1) })).toBeUndefined();
    expect(a.addJoints({ stampNs: 196 * MS, receivedNs: clock.now, value: joints(2) })).toBeUndefined();
    const obs = a.addCamera('rgb', { stampNs: 200 * MS, receivedNs: clock.now, value: frame(7) });
    expect(obs).toMatchObject({ stampNs: 200 * MS, index: 0, instruction: { taskId: 'reach' } });
    expect([...obs!.proprio]).toEqual([2, 2]);
    expect(a.inputStamps.get(200 * MS)).toEqual({ 'camera:rgb': 200 * MS, joints: 196 * MS });
    // Too far apart: nothing until a joint sample close enough arrives, then it fires once.
    expect(a.addCamera('rgb', { stampNs: 300 * MS, receivedNs: clock.now, value: frame(8) })).toBeUndefined();
    const late = a.addJoints({ stampNs: 305 * MS, receivedNs: clock.now, value: joints(3) });
    expect(late).toMatchObject({ stampNs: 300 * MS, index: 1 });
    expect(a.addJoints({ stampNs: 306 * MS, receivedNs: clock.now, value: joints(4) })).toBeUndefined();
  });

  it('drops samples whose stamp goes backwards (decoding finished out of order)', () => {
    const { a, clock } = setup();
    a.addJoints({ stampNs: 200 * MS, receivedNs: clock.now, value: joints(1) });
    expect(a.addCamera('rgb', { stampNs: 200 * MS, receivedNs: clock.now, value: frame(1) })).toBeDefined();
    expect(a.addCamera('rgb', { stampNs: 150 * MS, receivedNs: clock.now, value: frame(2) })).toBeUndefined();
  });

  it('says which inputs are stale by arrival time and never assembles from stale samples', () => {
    const { a, clock } = setup();
    expect(a.staleInputs()).toEqual(['camera:rgb', 'joints']);
    a.addJoints({ stampNs: 100 * MS, receivedNs: clock.now, value: joints(1) });
    clock.now += 400 * MS;
    expect(a.staleInputs()).toEqual(['camera:rgb']);
    a.addCamera('rgb', { stampNs: 101 * MS, receivedNs: clock.now - 1, value: frame(1) });
    clock.now += 200 * MS;
    expect(a.staleInputs()).toEqual(['joints']);
    // The joint sample matches in stamp but arrived too long ago.
    expect(a.addCamera('rgb', { stampNs: 102 * MS, receivedNs: clock.now, value: frame(2) })).toBeUndefined();
  });

  it('waits for a task, and numbers observations again after reset', () => {
    const clock = { now: 0 };
    const a = new ObservationAssembler({ cameras: [], toleranceNs: 0, stalenessNs: 1e9, now: () => clock.now });
    expect(a.addJoints({ stampNs: 1, receivedNs: 0, value: joints(1) })).toBeUndefined();
    a.setTask('reach');
    expect(a.addJoints({ stampNs: 2, receivedNs: 0, value: joints(1) })?.index).toBe(0);
    a.reset();
    expect(a.addJoints({ stampNs: 3, receivedNs: 0, value: joints(1) })?.index).toBe(0);
    // A bundle without an instruction input needs no task.
    const b = new ObservationAssembler({ cameras: [], needsTask: false, toleranceNs: 0, stalenessNs: 1e9, now: () => clock.now });
    expect(b.addJoints({ stampNs: 1, receivedNs: 0, value: joints(1) })).toMatchObject({ index: 0, instruction: { taskId: '' } });
  });
});

describe('ObservationAssembler gaps', () => {
  it('counts the pivot frames lost in a gap from its stamps and its typical interval', () => {
    const { a, clock } = setup();
    // 10 Hz; one interval longer (a late frame) does not move the median.
    for (const t of [100, 200, 300, 450, 500]) a.addCamera('rgb', { stampNs: t * MS, receivedNs: clock.now, value: frame(1) });
    a.markGap();
    a.markGap(); // a second drop before any frame: the same gap
    clock.now += 50 * MS;
    // Received before the drop, decoded after it: still before the gap.
    a.addCamera('rgb', { stampNs: 600 * MS, receivedNs: clock.now - 60 * MS, value: frame(1) });
    a.addJoints({ stampNs: 1100 * MS, receivedNs: clock.now, value: joints(1) });
    expect(a.gapFrames).toBe(0); // only the pivot input says how many frames were lost
    a.addCamera('rgb', { stampNs: 1100 * MS, receivedNs: clock.now, value: frame(2) });
    expect(a.gapFrames).toBe(4); // 700, 800, 900, 1000: the gap starts after the late-decoded 600
    a.addCamera('rgb', { stampNs: 1400 * MS, receivedNs: clock.now, value: frame(3) });
    expect(a.gapFrames).toBe(4); // no gap open: a late frame is not counted
    a.reset();
    expect(a.gapFrames).toBe(4); // a count over the whole run
  });

  it('counts nothing for a gap before the pivot has two samples (no interval known)', () => {
    const { a, clock } = setup();
    a.addCamera('rgb', { stampNs: 100 * MS, receivedNs: clock.now, value: frame(1) });
    a.markGap();
    a.addCamera('rgb', { stampNs: 900 * MS, receivedNs: clock.now, value: frame(2) });
    expect(a.gapFrames).toBe(0);
  });
});
