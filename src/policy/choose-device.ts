// `--device auto` by measurement: open the policy on the GPU and on the CPU, time a few warm steps
// of each at the batch size the caller will run, keep the faster and release the other. A GPU
// call has a fixed cost of milliseconds, so which device wins depends on the model and the batch
// (BENCHMARKS.md "gpu"); only a measurement on this machine knows. The two devices' steps are
// interleaved (one of each in turn, who goes first alternating) and compared by their median, so
// a change of the machine's state while timing (another process, clocks) or one slow step (a GC
// pause, a late first use) weighs on both alike instead of deciding. Where no GPU provider opens,
// the CPU is chosen without timing and the log line says why.
import { performance } from 'node:perf_hooks';
import type { Observation } from '../core/types.js';

/** What the chooser needs of a loaded policy (Policy satisfies it). */
export interface TimedPolicy<E> {
  readonly provider: string;
  newEpisode(seed?: number): E;
  stepBatch(items: readonly { episode: E; observation: Observation }[]): Promise<unknown>;
  release(): Promise<void>;
}

export type ForcedDevice = 'gpu' | 'cpu';

export interface ChooseDeviceOptions<P> {
  /**
   * Opens the policy on one device. For 'gpu' it may throw, or return a policy whose provider is
   * 'cpu' (the graph layer fell back and has said why, once per reason): either way the CPU is
   * chosen without timing.
   */
  readonly open: (device: ForcedDevice) => Promise<P>;
  /** A valid observation to time steps with (e.g. grey frames, proprio at its mean). */
  readonly observation: Observation;
  /** Episodes per timed step: the batch size the caller will run. Default 1. */
  readonly batch?: number;
  /** Untimed steps of each device before timing (after the load's own warm-up step, at batch 1: the first here opens the batch's bucket session). Default 3. */
  readonly warmSteps?: number;
  /** Timed steps at most. Default 8. */
  readonly timedSteps?: number;
  /** Stop timing a device after this many ms of timed steps (at least one step is timed). Default 1500. */
  readonly budgetMs?: number;
  /** Receives the one line that says what was measured and chosen. */
  readonly log: (line: string) => void;
  /** The clock (ms). Default performance.now; tests inject one. */
  readonly now?: () => number;
}

export interface DeviceMeasurement {
  readonly provider: string;
  /** Median ms per batched step. */
  readonly msPerStep: number;
  readonly steps: number;
}

export interface DeviceChoice<P> {
  readonly policy: P;
  readonly device: ForcedDevice;
  /** Both measurements, GPU first; empty when no GPU opened (nothing was timed). */
  readonly measurements: readonly DeviceMeasurement[];
  /** Why the CPU was taken without timing, when it was. */
  readonly reason?: string;
}

/** Timed steps of one device, interleaved with the other's (see the module comment). */
class StepTimer<E> {
  readonly items: { episode: E; observation: Observation }[];
  readonly times: number[] = [];
  spent = 0;

  constructor(
    readonly policy: TimedPolicy<E>,
    observation: Observation,
    batch: number,
  ) {
    this.items = Array.from({ length: batch }, (_, s) => ({ episode: policy.newEpisode(s), observation }));
  }

  wants(timedSteps: number, budgetMs: number): boolean {
    return this.times.length < timedSteps && (this.times.length === 0 || this.spent < budgetMs);
  }

  async step(now: () => number, timed: boolean): Promise<void> {
    const t0 = now();
    await this.policy.stepBatch(this.items);
    if (!timed) return;
    const ms = now() - t0;
    this.times.push(ms);
    this.spent += ms;
  }

  measurement(): DeviceMeasurement {
    const sorted = [...this.times].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return { provider: this.policy.provider, msPerStep: median, steps: sorted.length };
  }
}

function positiveInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`chooseDevice: '${field}' must be a positive integer, got ${value}`);
  return value;
}

/** Opens the policy on the faster of GPU and CPU at the given batch size (see the module comment). */
export async function chooseDevice<E, P extends TimedPolicy<E>>(options: ChooseDeviceOptions<P>): Promise<DeviceChoice<P>> {
  const batch = positiveInteger('batch', options.batch ?? 1);
  const warmSteps = options.warmSteps ?? 3;
  const timedSteps = positiveInteger('timedSteps', options.timedSteps ?? 8);
  const budgetMs = options.budgetMs ?? 1500;
  const now = options.now ?? (() => performance.now());
  let gpu: P;
  try {
    gpu = await options.open('gpu');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const cpu = await options.open('cpu');
    options.log(`momento: --device auto: running on CPU (no GPU provider opened: ${reason}), chosen without timing`);
    return { policy: cpu, device: 'cpu', measurements: [], reason };
  }
  if (gpu.provider === 'cpu') return { policy: gpu, device: 'cpu', measurements: [], reason: 'no GPU provider opened (the graph layer said why)' };
  let cpu: P | undefined;
  try {
    cpu = await options.open('cpu');
    const timers = { gpu: new StepTimer(gpu, options.observation, batch), cpu: new StepTimer(cpu, options.observation, batch) };
    // A failing GPU step falls back to the CPU; a failing CPU step is an error of the bundle.
    let gpuError: unknown;
    const gpuStep = async (timed: boolean): Promise<boolean> => {
      try {
        await timers.gpu.step(now, timed);
        return true;
      } catch (err) {
        gpuError = err;
        return false;
      }
    };
    let ok = true;
    for (let i = 0; ok && i < warmSteps; i++) {
      ok = await gpuStep(false);
      await timers.cpu.step(now, false);
    }
    for (let round = 0; ok && (timers.gpu.wants(timedSteps, budgetMs) || timers.cpu.wants(timedSteps, budgetMs)); round++) {
      const gpuFirst = round % 2 === 0;
      if (!gpuFirst && timers.cpu.wants(timedSteps, budgetMs)) await timers.cpu.step(now, true);
      if (timers.gpu.wants(timedSteps, budgetMs)) ok = await gpuStep(true);
      if (ok && gpuFirst && timers.cpu.wants(timedSteps, budgetMs)) await timers.cpu.step(now, true);
    }
    if (!ok) {
      await gpu.release();
      const reason = `a step on ${gpu.provider} failed: ${gpuError instanceof Error ? gpuError.message : String(gpuError)}`;
      options.log(`momento: --device auto: running on CPU (${reason}), chosen without timing`);
      return { policy: cpu, device: 'cpu', measurements: [], reason };
    }
    const [onGpu, onCpu] = [timers.gpu.measurement(), timers.cpu.measurement()];
    const gpuWins = onGpu.msPerStep < onCpu.msPerStep;
    const [keep, drop] = gpuWins ? [gpu, cpu] : [cpu, gpu];
    await drop.release();
    const figure = (m: DeviceMeasurement): string => `${m.provider} ${m.msPerStep.toFixed(2)} ms/step`;
    options.log(`momento: --device auto: ${figure(onGpu)}, ${figure(onCpu)} at batch ${batch} (median of ${onGpu.steps}+${onCpu.steps} interleaved timed steps): ${keep.provider}`);
    return { policy: keep, device: gpuWins ? 'gpu' : 'cpu', measurements: [onGpu, onCpu] };
  } catch (err) {
    await Promise.allSettled([gpu.release(), cpu?.release()]);
    throw err;
  }
}
