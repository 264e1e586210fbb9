// The runtime's seeded noise for iterative action heads, specified exactly so that a training
// script can reproduce it (policies/momento_models/rng.py is the same generator): mulberry32
// over a uint32 state, uniforms (x + 0.5) / 2^32, standard normals by Box-Muller in float64,
// both values of each pair used in order.

export class NoiseGenerator {
  private state: number;
  private spare: number | undefined;

  /** Seed = manifest seed XOR episode seed, as uint32. */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static forEpisode(manifestSeed: number, episodeSeed: number): NoiseGenerator {
    return new NoiseGenerator((manifestSeed ^ episodeSeed) >>> 0);
  }

  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  }

  uniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  normal(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `target` with standard normals (float32), row-major. */
  fillNormal(target: Float32Array, offset = 0, length = target.length - offset): void {
    for (let i = 0; i < length; i++) target[offset + i] = this.normal();
  }

  /** The generator's position, for snapshots: state and the pending Box-Muller value. */
  get position(): { state: number; spare: number | undefined } {
    return { state: this.state >>> 0, spare: this.spare };
  }

  set position(p: { state: number; spare: number | undefined }) {
    this.state = p.state | 0;
    this.spare = p.spare;
  }
}
