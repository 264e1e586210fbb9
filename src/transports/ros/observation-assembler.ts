// ObservationAssembler: decoded samples of each input (cameras, joints) → observations. Samples
// are matched by header stamp (approximate time: the newest sample of the pivot input, the first
// camera, with the nearest sample of every other input within a tolerance); an input is fresh
// while its newest sample arrived less than `staleness` ago on the local clock (the robot's stamps
// may be on another clock, so arrival time is what says an input stopped). Pure: the clock is injected.
import type { CameraFrame, Observation } from '../../core/types.js';

export interface Sample<T> {
  /** Header stamp (robot clock), ns. */
  readonly stampNs: number;
  /** Arrival (local clock), ns. */
  readonly receivedNs: number;
  readonly value: T;
}

export interface AssemblerOptions {
  /** Camera names in the bundle's order; the first is the pivot. */
  readonly cameras: readonly string[];
  readonly toleranceNs: number;
  readonly stalenessNs: number;
  /** Observations wait for a task id (bundles with an instruction input). Default true. */
  readonly needsTask?: boolean;
  readonly now: () => number;
  /** Samples kept per input for matching. Default 8. */
  readonly history?: number;
}

/** What an observation was assembled from: the stamps of the inputs used. */
export interface InputStamps {
  readonly [input: string]: number;
}

export class ObservationAssembler {
  private readonly samples = new Map<string, Sample<unknown>[]>();
  private lastPivotNs = -Infinity;
  private index = 0;
  private task = { taskId: '', text: '' };
  /** Stamps of the inputs behind each emitted observation, by the observation's stamp (the newest 64). */
  readonly inputStamps = new Map<number, InputStamps>();
  /** Pivot frames lost in gaps (see markGap), in all. */
  gapFrames = 0;
  /** An open gap: the newest pivot stamp before it, the pivot's typical interval then, when it opened (local clock). */
  private gap: { fromNs: number; intervalNs: number; openedNs: number } | undefined;

  constructor(private readonly options: AssemblerOptions) {}

  get inputs(): string[] {
    return [...this.options.cameras.map((c) => `camera:${c}`), 'joints'];
  }

  addCamera(name: string, sample: Sample<CameraFrame>): Observation | undefined {
    return this.add(`camera:${name}`, sample);
  }

  addJoints(sample: Sample<Float32Array>): Observation | undefined {
    return this.add('joints', sample);
  }

  setTask(taskId: string, text = ''): void {
    this.task = { taskId, text };
  }

  get taskId(): string {
    return this.task.taskId;
  }

  /** Restarts numbering (a new episode); samples stay. */
  reset(): void {
    this.index = 0;
    this.inputStamps.clear();
  }

  /** Inputs without a fresh sample now. */
  staleInputs(): string[] {
    const now = this.options.now();
    return this.inputs.filter((input) => {
      const newest = this.samples.get(input)?.at(-1);
      return !newest || now - newest.receivedNs > this.options.stalenessNs;
    });
  }

  /**
   * The source lost its connection: frames of the pivot input published until it is back never
   * arrive. When the next pivot sample comes, the stamp gap over the pivot's typical interval
   * (the median of its recent intervals) says how many were lost; they are added to `gapFrames`.
   * A sample received before the drop that finishes decoding after it still counts as before the gap.
   */
  markGap(): void {
    if (this.gap) return;
    const pivot = this.samples.get(this.inputs[0]!) ?? [];
    const intervals = pivot.slice(1).map((s, i) => s.stampNs - pivot[i]!.stampNs).sort((a, b) => a - b);
    if (intervals.length === 0) return;
    this.gap = { fromNs: pivot.at(-1)!.stampNs, intervalNs: intervals[Math.floor(intervals.length / 2)]!, openedNs: this.options.now() };
  }

  /** Newest sample of an input. */
  latest<T>(input: string): Sample<T> | undefined {
    return this.samples.get(input)?.at(-1) as Sample<T> | undefined;
  }

  private add(input: string, sample: Sample<unknown>): Observation | undefined {
    const list = this.samples.get(input) ?? [];
    // Out-of-order arrivals (decoding finishes in any order) are dropped: stamps only move forward.
    if (list.length > 0 && sample.stampNs <= list.at(-1)!.stampNs) return undefined;
    list.push(sample);
    if (this.gap && input === this.inputs[0] && sample.receivedNs <= this.gap.openedNs) {
      this.gap.fromNs = sample.stampNs;
    } else if (this.gap && input === this.inputs[0]) {
      this.gapFrames += Math.max(0, Math.round((sample.stampNs - this.gap.fromNs) / this.gap.intervalNs) - 1);
      this.gap = undefined;
    }
    if (list.length > (this.options.history ?? 8)) list.shift();
    this.samples.set(input, list);
    return this.assemble();
  }

  private assemble(): Observation | undefined {
    const [pivotInput, ...others] = this.inputs;
    const pivot = this.samples.get(pivotInput!)?.at(-1);
    if (!pivot || pivot.stampNs <= this.lastPivotNs || (!this.task.taskId && this.options.needsTask !== false)) return undefined;
    const now = this.options.now();
    if (now - pivot.receivedNs > this.options.stalenessNs) return undefined;
    const chosen = new Map<string, Sample<unknown>>([[pivotInput!, pivot]]);
    for (const input of others) {
      let best: Sample<unknown> | undefined;
      for (const s of this.samples.get(input) ?? []) if (!best || Math.abs(s.stampNs - pivot.stampNs) < Math.abs(best.stampNs - pivot.stampNs)) best = s;
      if (!best || Math.abs(best.stampNs - pivot.stampNs) > this.options.toleranceNs || now - best.receivedNs > this.options.stalenessNs) return undefined;
      chosen.set(input, best);
    }
    this.lastPivotNs = pivot.stampNs;
    const index = this.index++;
    this.inputStamps.set(pivot.stampNs, Object.fromEntries([...chosen].map(([k, s]) => [k, s.stampNs])));
    if (this.inputStamps.size > 64) this.inputStamps.delete(this.inputStamps.keys().next().value!);
    return {
      cameras: this.options.cameras.map((c) => chosen.get(`camera:${c}`)!.value as CameraFrame),
      proprio: chosen.get('joints')!.value as Float32Array,
      instruction: { ...this.task },
      stampNs: pivot.stampNs,
      index,
    };
  }
}
