// A fake robot node on the test rosbridge peer: publishes a camera (raw sensor_msgs/Image and a
// PNG sensor_msgs/CompressedImage) and joint states at a fixed rate, every message stamped with
// the tick's time, and counts its ticks: tests measure rates against these ticks, not a deadline.
import sharp from 'sharp';
import type { RosbridgePeer } from './rosbridge-peer.js';

export interface FakeRobotOptions {
  readonly rateHz?: number;
  readonly size?: number;
  /** Joint names in the order the robot reports them, and their positions. */
  readonly joints?: Readonly<Record<string, number>>;
  readonly imageTopic?: string;
  readonly compressedTopic?: string;
  readonly jointTopic?: string;
  /** 'bgr8' exercises channel reordering; default 'rgb8'. */
  readonly encoding?: 'rgb8' | 'bgr8';
  /**
   * Stamps from Date.now() (ms resolution, default), from the high-resolution clock (benchmarks),
   * or 'grid': Date.now() rounded to the period grid from `startNs`, so a stamp says which slot of
   * the robot's clock it is (frames lost in a gap are exactly the empty slots).
   */
  readonly stampClock?: 'date' | 'hr' | 'grid';
}

export const DEFAULT_JOINTS = { holding: 0, grip: 0.2, wrist: 1.5, y: 0.3, x: 0.5 } as const;

export class FakeRobot {
  ticks = 0;
  /** With stampClock 'grid': stamps are startNs + k * periodNs. */
  readonly startNs = Date.now() * 1e6;
  private timer: NodeJS.Timeout | undefined;
  private readonly onTick = new Set<(tick: number) => void>();

  constructor(
    private peer: RosbridgePeer,
    private readonly options: FakeRobotOptions = {},
  ) {}

  get periodNs(): number {
    return 1e9 / (this.options.rateHz ?? 10);
  }

  /** The slot of the period grid (stampClock 'grid') that a stamp is on. */
  slotOf(stampNs: number): number {
    return Math.round((stampNs - this.startNs) / this.periodNs);
  }

  private gridSlotNs(ns: number): number {
    return this.startNs + this.slotOf(ns) * this.periodNs;
  }

  /** A restarted peer: publish there from now on. */
  attach(peer: RosbridgePeer): void {
    this.peer = peer;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), 1000 / (this.options.rateHz ?? 10));
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves after `n` more ticks (of this robot's own clock). */
  afterTicks(n: number): Promise<number> {
    const target = this.ticks + n;
    return new Promise((resolve) => {
      const f = (t: number): void => {
        if (t < target) return;
        this.onTick.delete(f);
        resolve(t);
      };
      this.onTick.add(f);
    });
  }

  async tick(): Promise<void> {
    const tick = ++this.ticks;
    const clock = this.options.stampClock;
    const ns = clock === 'hr' ? Math.round((performance.timeOrigin + performance.now()) * 1e6) : clock === 'grid' ? this.gridSlotNs(Date.now() * 1e6) : Date.now() * 1e6;
    const distro = this.peer.types.distro;
    const stamp = distro === 'ros1' ? { secs: Math.floor(ns / 1e9), nsecs: ns % 1e9 } : { sec: Math.floor(ns / 1e9), nanosec: ns % 1e9 };
    const header = distro === 'ros1' ? { seq: tick, stamp, frame_id: 'camera' } : { stamp, frame_id: 'camera' };
    const size = this.options.size ?? 64;
    const rgb = new Uint8Array(size * size * 3);
    for (let i = 0; i < size * size; i++) {
      rgb[i * 3] = (i + tick * 7) % 256;
      rgb[i * 3 + 1] = (i >> 6) % 256;
      rgb[i * 3 + 2] = (tick * 13) % 256;
    }
    const encoding = this.options.encoding ?? 'rgb8';
    const data = encoding === 'bgr8' ? rgb.map((_, i) => rgb[i - (i % 3) + 2 - (i % 3)]!) : rgb;
    const joints = this.options.joints ?? DEFAULT_JOINTS;
    const png = this.options.compressedTopic === '' ? undefined : await sharp(rgb, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
    if (this.options.imageTopic !== '') this.peer.publish(this.options.imageTopic ?? '/camera/image_raw', 'sensor_msgs/Image', { header, height: size, width: size, encoding, is_bigendian: 0, step: size * 3, data });
    if (png) this.peer.publish(this.options.compressedTopic ?? '/camera/image_raw/compressed', 'sensor_msgs/CompressedImage', { header, format: 'png', data: new Uint8Array(png) });
    this.peer.publish(this.options.jointTopic ?? '/joint_states', 'sensor_msgs/JointState', { header, name: Object.keys(joints), position: Object.values(joints).map((v) => v + tick * 1e-3), velocity: [], effort: [] });
    for (const f of [...this.onTick]) f(tick);
  }
}
