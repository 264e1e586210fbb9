// A tiny RGB rasteriser over the unit square (y up, row 0 at the top): filled discs, rings and
// axis-aligned squares, tested at pixel centres with no anti-aliasing so frames are exact bytes.

export type Rgb = readonly [number, number, number];

export class Canvas {
  readonly data: Uint8Array;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 8 || size > 512) {
      throw new RangeError(`image size must be an integer in [8, 512], got ${size}`);
    }
    this.data = new Uint8Array(size * size * 3);
  }

  /** Paints the whole image: one pixel, then doubling block copies (the per-frame hot spot). */
  fill(colour: Rgb): void {
    const data = this.data;
    data.set(colour, 0);
    for (let filled = 3; filled < data.length; filled *= 2) data.copyWithin(filled, 0, Math.min(filled, data.length - filled));
  }

  /** A disc of radius `radius` around (cx, cy) in unit coordinates. */
  disc(cx: number, cy: number, radius: number, colour: Rgb): void {
    this.ring(cx, cy, -1, radius, colour);
  }

  /** Pixels whose centre lies at a distance in (inner, outer] from (cx, cy). */
  ring(cx: number, cy: number, inner: number, outer: number, colour: Rgb): void {
    const size = this.size;
    const outer2 = outer * outer;
    const inner2 = inner < 0 ? -1 : inner * inner;
    const { c0, c1, r0, r1 } = this.bounds(cx - outer, cx + outer, cy - outer, cy + outer);
    for (let row = r0; row <= r1; row++) {
      const dy = 1 - (row + 0.5) / size - cy;
      for (let col = c0; col <= c1; col++) {
        const dx = (col + 0.5) / size - cx;
        const d2 = dx * dx + dy * dy;
        if (d2 <= outer2 && d2 > inner2) this.put(row, col, colour);
      }
    }
  }

  /** An axis-aligned square of half side `half` centred on (cx, cy). */
  square(cx: number, cy: number, half: number, colour: Rgb): void {
    const { c0, c1, r0, r1 } = this.bounds(cx - half, cx + half, cy - half, cy + half);
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) this.put(row, col, colour);
    }
  }

  /** Pixel ranges whose centres fall inside [x0, x1] x [y0, y1], clipped to the image. */
  private bounds(x0: number, x1: number, y0: number, y1: number): { c0: number; c1: number; r0: number; r1: number } {
    const size = this.size;
    const c0 = Math.max(0, Math.ceil(x0 * size - 0.5));
    const c1 = Math.min(size - 1, Math.floor(x1 * size - 0.5));
    const r0 = Math.max(0, Math.ceil((1 - y1) * size - 0.5));
    const r1 = Math.min(size - 1, Math.floor((1 - y0) * size - 0.5));
    return { c0, c1, r0, r1 };
  }

  private put(row: number, col: number, colour: Rgb): void {
    const i = (row * this.size + col) * 3;
    this.data[i] = colour[0];
    this.data[i + 1] = colour[1];
    this.data[i + 2] = colour[2];
  }
}

/** The palette shared by all tasks, chosen to stay distinct at 64 x 64. */
export const COLOURS = {
  table: [205, 195, 175],
  effector: [25, 25, 30],
  block: [240, 140, 20],
  cup: [110, 70, 40],
  cupRim: [70, 45, 25],
  buttonIdle: [90, 90, 100],
  buttonLit: [255, 230, 60],
  buttonPressed: [40, 200, 90],
  target: [200, 30, 60],
  startPad: [150, 170, 215],
  goalPad: [235, 215, 120],
  finishPad: [150, 60, 190],
  cueFrame: [120, 115, 105],
  red: [215, 40, 40],
  green: [40, 170, 60],
  blue: [40, 80, 225],
  // remember-colour's pads beyond three (its `colours` = 5 or 9):
  yellow: [240, 215, 40],
  purple: [140, 50, 190],
  cyan: [40, 195, 205],
  orange: [230, 110, 0],
  white: [250, 250, 250],
  pink: [245, 130, 185],
} as const satisfies Record<string, Rgb>;
