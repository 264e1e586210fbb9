// `npm run bench -- ros`: a momento ROS node (policies/memoryvla-sim, JointTrajectory out, one
// message per step) against the test rosbridge peer running in another process over loopback.
// Measures, on the peer's clock, the latency from a camera frame's publication to the trajectory
// computed from it, with CBOR and JSON image transport at 64x64 and 224x224 (the policy sees
// 64x64: the larger frames are resized by sharp), and the time from the server's return after a
// crash to the node being subscribed again and publishing again. The peer is test code run
// through tsx (a dev dependency), as no rosbridge server installs here.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { projectPath } from '../core/project-files.js';
import { Policy } from '../policy/policy.js';
import { runRosNode } from '../runtime/ros-node.js';
import { summarize } from '../runtime/stats.js';
import { parseRosConfig } from '../transports/ros/index.js';

export interface RosBenchResult {
  readonly latency: { transport: 'cbor' | 'json'; size: number; steps: number; p50Ms: number; p99Ms: number; meanMs: number }[];
  readonly reconnect: { downMs: number; resubscribedMs: number; firstActionMs: number }[];
}

class PeerProcess {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(): Promise<{ peer: PeerProcess; url: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', projectPath('test/peers/rosbridge/serve.ts')], { cwd: projectPath('.') });
    child.stderr.pipe(process.stderr);
    const peer = new PeerProcess(child);
    const ready = (await peer.read()) as { url: string };
    return { peer, url: ready.url };
  }

  async call(cmd: Record<string, unknown>): Promise<unknown> {
    this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    return await this.read();
  }

  private async read(): Promise<unknown> {
    const r = await this.lines.next();
    if (r.done) throw new Error('rosbridge peer process ended');
    return JSON.parse(r.value);
  }

  async quit(): Promise<void> {
    await this.call({ cmd: 'quit' });
    this.child.kill();
  }
}

function config(transport: 'cbor' | 'json'): ReturnType<typeof parseRosConfig> {
  return parseRosConfig(
    JSON.stringify({
      distro: 'ros2',
      inputs: { cameras: { rgb: { topic: '/camera/image_raw', type: 'sensor_msgs/Image', compression: transport === 'cbor' ? 'cbor' : 'none' } }, joints: { topic: '/joint_states', type: 'sensor_msgs/JointState' } },
      task: 'reach',
      sync: { tolerance_s: 0.005, staleness_s: 2 },
      output: { kind: 'joint_trajectory', topic: '/momento/trajectory' },
    }),
    'bench',
  );
}

export async function benchRos(options: { steps: number } = { steps: 40 }): Promise<RosBenchResult> {
  await using policy = await Policy.load(projectPath('policies/memoryvla-sim'), { device: 'cpu' });
  const { peer, url } = await PeerProcess.start();
  const latency: RosBenchResult['latency'] = [];
  const reconnect: RosBenchResult['reconnect'] = [];
  try {
    for (const transport of ['cbor', 'json'] as const) {
      for (const size of [64, 224]) {
        // 40 Hz camera: the policy still steps every `execute` periods of its 10 Hz control rate.
        await peer.call({ cmd: 'robot', size, rateHz: 40 });
        const stop = new AbortController();
        let steps = 0;
        const node = runRosNode({
          policy,
          config: config(transport),
          configFile: 'bench',
          url,
          signal: stop.signal,
          onEvent: (e) => {
            if (e.kind === 'step' && ++steps >= options.steps + 5) stop.abort();
          },
        });
        await node;
        const stats = (await peer.call({ cmd: 'stats' })) as { latencies: number[] };
        const xs = stats.latencies.slice(5); // the first steps warm up
        const s = summarize(xs);
        latency.push({ transport, size, steps: xs.length, p50Ms: s.p50, p99Ms: s.p99, meanMs: s.mean });
      }
    }
    for (const downMs of [0, 1000, 3000]) {
      await peer.call({ cmd: 'robot', size: 64, rateHz: 40 });
      const stop = new AbortController();
      let running = false;
      const node = runRosNode({ policy, config: config('cbor'), configFile: 'bench', url, signal: stop.signal, onEvent: (e) => (e.kind === 'state' && e.state === 'running' ? (running = true) : undefined) });
      while (!running) await new Promise((r) => setTimeout(r, 20));
      await peer.call({ cmd: 'restart', downMs });
      let r: { resubscribedMs: number | null; firstActionMs: number | null };
      do {
        await new Promise((res) => setTimeout(res, 50));
        r = (await peer.call({ cmd: 'stats' })) as typeof r;
      } while (r.firstActionMs === null || r.resubscribedMs === null);
      stop.abort();
      await node;
      reconnect.push({ downMs, resubscribedMs: r.resubscribedMs, firstActionMs: r.firstActionMs });
    }
  } finally {
    await peer.quit();
  }
  return { latency, reconnect };
}

/** The `ros` section of `npm run bench`: prints the tables and writes `out` (JSON). */
export async function runRosBenchSection(out: string, machine: string): Promise<void> {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  const { table } = await import('../core/text-table.js');
  console.log(`momento bench ros — ${new Date().toISOString()} — ${machine}\n`);
  const r = await benchRos();
  console.log('camera frame published → JointTrajectory received (peer clock, loopback, memoryvla-sim on cpu):');
  console.log(table(['image transport', 'camera', 'steps', 'p50 ms', 'p99 ms', 'mean ms'], r.latency.map((l) => [l.transport, `${l.size}x${l.size}`, String(l.steps), l.p50Ms.toFixed(2), l.p99Ms.toFixed(2), l.meanMs.toFixed(2)])));
  console.log('\nserver crash and return → node subscribed again / first action on the new server:');
  console.log(table(['server down ms', 'resubscribed ms', 'first action ms'], r.reconnect.map((x) => [String(x.downMs), x.resubscribedMs.toFixed(0), x.firstActionMs.toFixed(0)])));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine, ros: r }, null, 2));
  console.log(`\nwrote ${out}`);
}
