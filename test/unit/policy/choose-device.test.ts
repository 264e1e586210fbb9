// `--device auto` by measurement, with injected policies and an injected clock: each fake step
// advances the clock by its device's cost per batch, so the selection logic is tested without a
// GPU and without reading the wall clock. Policy.load's real path on this GPU-less machine is in
// test/unit/bundle/device.test.ts.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../src/core/types.js';
import { chooseDevice, type ForcedDevice, type TimedPolicy } from '../../../src/policy/choose-device.js';

const observation: Observation = {
  cameras: [],
  proprio: new Float32Array(0),
  instruction: { taskId: '', text: '' },
  stampNs: 0,
  index: 0,
};

class FakeClock {
  t = 0;
  readonly now = (): number => this.t;
}

class FakePolicy implements TimedPolicy<number> {
  released = 0;
  readonly batches: number[] = [];
  constructor(
    readonly provider: string,
    private readonly clock: FakeClock,
    /** Cost of one step of batch B, in ms. */
    private readonly cost: (batch: number) => number,
    private readonly failStep = false,
  ) {}
  newEpisode(seed = 0): number {
    return seed;
  }
  stepBatch(items: readonly { episode: number; observation: Observation }[]): Promise<unknown> {
    if (this.failStep) return Promise.reject(new Error('kernel failed'));
    this.batches.push(items.length);
    this.clock.t += this.cost(items.length);
    return Promise.resolve([]);
  }
  release(): Promise<void> {
    this.released++;
    return Promise.resolve();
  }
}

/** A GPU with a fixed cost of 8 ms per call plus 0.1 ms per row; a CPU at 1 ms per row. */
function setup(options: { gpuProvider?: string; gpuThrows?: boolean; gpuFailsStep?: boolean } = {}) {
  const clock = new FakeClock();
  const opened: FakePolicy[] = [];
  const open = (device: ForcedDevice): Promise<FakePolicy> => {
    if (device === 'gpu' && options.gpuThrows) return Promise.reject(new Error('no WebGPU adapter'));
    const p = device === 'gpu'
      ? new FakePolicy(options.gpuProvider ?? 'webgpu', clock, (b) => 8 + 0.1 * b, options.gpuFailsStep)
      : new FakePolicy('cpu', clock, (b) => 1 * b);
    opened.push(p);
    return Promise.resolve(p);
  };
  const log: string[] = [];
  return { clock, opened, open, log, now: clock.now };
}

describe('chooseDevice', () => {
  it('keeps the CPU at batch 1, where the GPU fixed cost dominates, and releases the GPU', async () => {
    const s = setup();
    const choice = await chooseDevice({ open: s.open, observation, log: (l) => s.log.push(l), now: s.now });
    expect(choice.device).toBe('cpu');
    expect(choice.policy.provider).toBe('cpu');
    expect(choice.measurements.map((m) => m.provider)).toEqual(['webgpu', 'cpu']);
    expect(choice.measurements[0]!.msPerStep).toBeCloseTo(8.1, 9);
    expect(choice.measurements[1]!.msPerStep).toBeCloseTo(1, 9);
    const [gpu, cpu] = s.opened;
    expect(gpu!.released).toBe(1);
    expect(cpu!.released).toBe(0);
    expect(s.log).toHaveLength(1);
    expect(s.log[0]).toMatch(/webgpu 8\.10 ms\/step, cpu 1\.00 ms\/step at batch 1 .*: cpu$/);
  });

  it('keeps the GPU at batch 32, where it is faster, timing at the batch size asked for', async () => {
    const s = setup();
    const choice = await chooseDevice({ open: s.open, observation, batch: 32, log: (l) => s.log.push(l), now: s.now });
    expect(choice.device).toBe('gpu');
    expect(choice.policy.provider).toBe('webgpu');
    const [gpu, cpu] = s.opened;
    expect(gpu!.released).toBe(0);
    expect(cpu!.released).toBe(1);
    expect(new Set([...gpu!.batches, ...cpu!.batches])).toEqual(new Set([32]));
    expect(s.log[0]).toMatch(/webgpu 11\.20 ms\/step, cpu 32\.00 ms\/step at batch 32 .*: webgpu$/);
  });

  it('runs the warm steps untimed and stops timing at the step budget', async () => {
    const s = setup();
    const choice = await chooseDevice({ open: s.open, observation, batch: 4, warmSteps: 3, timedSteps: 100, budgetMs: 20, log: () => {}, now: s.now });
    // GPU: 8.4 ms per step, over 20 ms after 3 timed steps; CPU: 4 ms per step, at 20 ms after 5.
    expect(choice.measurements.map((m) => m.steps)).toEqual([3, 5]);
    expect(s.opened.map((p) => p.batches.length)).toEqual([3 + 3, 3 + 5]);
  });

  it('takes the CPU without timing when the GPU candidate came back on the CPU (the graph layer warned)', async () => {
    const s = setup({ gpuProvider: 'cpu' });
    const choice = await chooseDevice({ open: s.open, observation, log: (l) => s.log.push(l), now: s.now });
    expect(choice.device).toBe('cpu');
    expect(choice.measurements).toEqual([]);
    expect(s.opened).toHaveLength(1);
    expect(s.opened[0]!.batches).toEqual([]);
    expect(s.log).toEqual([]);
  });

  it('takes the CPU without timing, saying why, when no GPU provider opens', async () => {
    const s = setup({ gpuThrows: true });
    const choice = await chooseDevice({ open: s.open, observation, log: (l) => s.log.push(l), now: s.now });
    expect(choice.device).toBe('cpu');
    expect(choice.reason).toBe('no WebGPU adapter');
    expect(s.opened.map((p) => p.provider)).toEqual(['cpu']);
    expect(s.opened[0]!.batches).toEqual([]);
    expect(s.log).toEqual(['momento: --device auto: running on CPU (no GPU provider opened: no WebGPU adapter), chosen without timing']);
  });

  it('falls back to the CPU, releasing the GPU, when a GPU step fails', async () => {
    const s = setup({ gpuFailsStep: true });
    const choice = await chooseDevice({ open: s.open, observation, log: (l) => s.log.push(l), now: s.now });
    expect(choice.device).toBe('cpu');
    expect(s.opened[0]!.released).toBe(1);
    expect(s.log[0]).toMatch(/a step on webgpu failed: kernel failed/);
  });

  it('interleaves the two devices\' timed steps and compares medians, so one slow step does not decide', async () => {
    const clock = new FakeClock();
    const order: string[] = [];
    let gpuSteps = 0;
    // The GPU takes 8 ms a step, except its first timed step (after 3 warm ones): 100 ms. Its
    // mean over 8 steps (19.5) would lose to the CPU's 10 ms; its median (8) wins.
    const gpu = new FakePolicy('webgpu', clock, () => (++gpuSteps === 4 ? 100 : 8));
    const cpu = new FakePolicy('cpu', clock, () => 10);
    const tap = (p: FakePolicy): FakePolicy => {
      const step = p.stepBatch.bind(p);
      p.stepBatch = (items) => (order.push(p.provider), step(items));
      return p;
    };
    const open = (device: ForcedDevice): Promise<FakePolicy> => Promise.resolve(tap(device === 'gpu' ? gpu : cpu));
    const log: string[] = [];
    const choice = await chooseDevice({ open, observation, log: (l) => log.push(l), now: clock.now });
    expect(choice.device).toBe('gpu');
    expect(choice.measurements.map((m) => [m.provider, m.msPerStep, m.steps])).toEqual([['webgpu', 8, 8], ['cpu', 10, 8]]);
    // Warm steps in turn, then timed rounds with who goes first alternating.
    expect(order.slice(0, 6)).toEqual(['webgpu', 'cpu', 'webgpu', 'cpu', 'webgpu', 'cpu']);
    expect(order.slice(6, 12)).toEqual(['webgpu', 'cpu', 'cpu', 'webgpu', 'webgpu', 'cpu']);
    expect(log[0]).toMatch(/webgpu 8\.00 ms\/step, cpu 10\.00 ms\/step at batch 1 \(median of 8\+8 interleaved timed steps\): webgpu$/);
    expect(cpu.released).toBe(1);
  });

  it('rejects a batch that is not a positive integer, naming the field', async () => {
    const s = setup();
    await expect(chooseDevice({ open: s.open, observation, batch: 0, log: () => {}, now: s.now })).rejects.toThrow(/'batch' must be a positive integer, got 0/);
  });
});
