// The capacity axis at the default 64 x 64: with 9 colours, 5 buttons or 4 cups every object
// keeps its own pixels (about as many as in the legacy layout: discs differ by a few pixels with
// their sub-pixel centre, an overlap would take many) and the pad colours stay apart.
import { describe, expect, it } from 'vitest';
import { COLOURS, type Rgb } from '../../../sim/canvas.js';
import { SimEnv } from '../../../sim/env.js';
import { CUE_COLOURS } from '../../../sim/tasks/remember-colour.js';

function count(frame: Uint8Array, colour: Rgb): number {
  let n = 0;
  for (let i = 0; i < frame.length; i += 3) if (frame[i] === colour[0] && frame[i + 1] === colour[1] && frame[i + 2] === colour[2]) n++;
  return n;
}

const frameAt = (task: string, params: Record<string, number>, until: (env: SimEnv) => boolean): Uint8Array => {
  const env = new SimEnv();
  let t = env.reset(task, 5, { params });
  while (!until(env) && !t.done) t = env.step(env.expertAction());
  return t.observation.cameras[0]!.data;
};

describe('capacity at 64 x 64', () => {
  it('remember-colour: 3, 5 and 9 pads each show a whole disc of their own colour, and the colours are far apart', () => {
    const single = count(frameAt('remember-colour', { colours: 3 }, (e) => e.state.phase === 'choose'), COLOURS.red);
    expect(single).toBeGreaterThan(40);
    for (const colours of [5, 9]) {
      const frame = frameAt('remember-colour', { colours }, (e) => e.state.phase === 'choose');
      for (const name of CUE_COLOURS.slice(0, colours)) expect(Math.abs(count(frame, COLOURS[name]) - single), `${colours} colours: ${name}`).toBeLessThanOrEqual(0.1 * single);
    }
    const palette: Rgb[] = [...CUE_COLOURS.map((c) => COLOURS[c]), COLOURS.table, COLOURS.cueFrame, COLOURS.effector];
    for (let i = 0; i < palette.length; i++) {
      for (let j = i + 1; j < palette.length; j++) {
        const [a, b] = [palette[i]!, palette[j]!];
        expect(Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]), `${a.join()} vs ${b.join()}`).toBeGreaterThanOrEqual(90);
      }
    }
  });

  it('button-sequence: with 3, 4 or 5 buttons each idle button is a whole disc', () => {
    const pressing = (e: SimEnv): boolean => e.state.phase === 'press';
    const idle = (buttons: number): number => count(frameAt('button-sequence', { buttons }, pressing), COLOURS.buttonIdle);
    const one = idle(3) / 3;
    expect(one).toBeGreaterThan(30);
    expect(Math.abs(idle(4) - 4 * one)).toBeLessThanOrEqual(0.1 * 4 * one);
    expect(Math.abs(idle(5) - 5 * one)).toBeLessThanOrEqual(0.1 * 5 * one);
  });

  it('shell-game: with 4 cups at rest each cup is a whole disc', () => {
    const choosing = (e: SimEnv): boolean => e.state.phase === 'choose';
    const rims = (cups: number): number => count(frameAt('shell-game', { cups, swaps: 1 }, choosing), COLOURS.cup);
    expect(Math.abs(rims(4) - (4 * rims(3)) / 3)).toBeLessThanOrEqual((0.1 * 4 * rims(3)) / 3);
  });
});
