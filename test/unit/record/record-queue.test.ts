import { describe, expect, it } from 'vitest';
import { RecordQueue, type DropClass } from '../../../src/record/record-queue.js';

interface Item {
  readonly name: string;
  readonly dropClass: DropClass | undefined;
  readonly weight: number;
}

const item = (name: string, dropClass: DropClass | undefined, weight = 1): Item => ({ name, dropClass, weight });

function queue(maxItems: number, maxBytes = 1e9): { q: RecordQueue<Item>; dropped: string[] } {
  const dropped: string[] = [];
  return { q: new RecordQueue<Item>({ maxItems, maxBytes }, (i) => dropped.push(i.name)), dropped };
}

const drain = (q: RecordQueue<Item>): string[] => {
  const out: string[] = [];
  for (let i = q.shift(); i; i = q.shift()) out.push(i.name);
  return out;
};

describe('RecordQueue', () => {
  it('drops camera images first, oldest first', () => {
    const { q, dropped } = queue(3);
    q.push(item('cam0', 'camera'));
    q.push(item('obs0', 'observation'));
    q.push(item('cam1', 'camera'));
    q.push(item('step0', 'other'));
    q.push(item('obs1', 'observation'));
    expect(dropped).toEqual(['cam0', 'cam1']);
    expect(drain(q)).toEqual(['obs0', 'step0', 'obs1']);
  });

  it('drops the newcomer when everything queued is worth more', () => {
    const { q, dropped } = queue(2);
    q.push(item('step0', 'other'));
    q.push(item('act0', 'other'));
    q.push(item('cam0', 'camera'));
    expect(dropped).toEqual(['cam0']);
    q.push(item('act1', 'other'));
    expect(dropped).toEqual(['cam0', 'step0']);
    expect(q.messages).toBe(2);
  });

  it('never drops or counts control items', () => {
    const { q, dropped } = queue(1);
    q.push(item('open', undefined));
    q.push(item('cam0', 'camera'));
    q.push(item('close', undefined));
    q.push(item('cam1', 'camera'));
    expect(dropped).toEqual(['cam0']);
    expect(drain(q)).toEqual(['open', 'close', 'cam1']);
  });

  it('bounds bytes as well as items', () => {
    const { q, dropped } = queue(100, 10);
    q.push(item('cam0', 'camera', 6));
    q.push(item('cam1', 'camera', 6));
    q.push(item('big', 'camera', 11));
    expect(dropped).toEqual(['cam0', 'cam1', 'big']);
    expect(q.bytes).toBe(0);
  });

  it('rejects nonsense limits', () => {
    expect(() => queue(0)).toThrow(RangeError);
  });
});
