// The moving parts of the soak suite: a server as a child process (`momento sim`, `momento serve`)
// that can be killed, restarted and stalled with SIGSTOP; a TCP proxy in front of it whose sockets
// can be dropped; and a bounded latency histogram (log buckets) so that measuring does not grow memory.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

/** `momento <args>` in a child process, on a port of its choosing (read from its output), restartable. */
export class ChildServer {
  private child: ChildProcess | undefined;
  port = 0;
  starts = 0;

  protected constructor(
    private readonly args: readonly string[],
    private readonly listening: RegExp,
  ) {}

  /** `momento sim`. */
  static async sim(): Promise<ChildServer> {
    return await ChildServer.start(['sim', '--port', '0', '--max-sessions', '1024'], /listening on ws:\/\/[^:]+:(\d+)/);
  }

  /** `momento serve` of one bundle (sessions persisted to `snapshotDir`, so that a restart resumes them). */
  static async serve(bundle: string, snapshotDir: string): Promise<ChildServer> {
    return await ChildServer.start(['serve', '--policy', bundle, '--port', '0', '--snapshot-dir', snapshotDir, '--ttl', '300', '--inference', 'inline'], /serving \S+ at ws:\/\/[^:]+:(\d+)/);
  }

  static async start(args: readonly string[], listening: RegExp): Promise<ChildServer> {
    const server = new ChildServer(args, listening);
    await server.spawn();
    return server;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Resident memory of the simulator process in bytes (from /proc), or 0 when it is down. */
  rss(): number {
    if (this.child?.pid === undefined) return 0;
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      return 0;
    }
  }

  /** SIGKILL, as a crash would; resolves when the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT'); // a stopped process must run to die
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.spawn();
  }

  stop(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async dispose(): Promise<void> {
    await this.kill();
  }

  private async spawn(): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...this.args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.child = child;
    this.port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = this.listening.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`momento ${this.args[0]} exited (${code}) before listening: ${out}`)));
    });
    child.stdout.resume();
    this.starts++;
  }
}

/** A TCP proxy to the simulator's current port; dropAll() cuts every connection through it. */
export class SocketProxy {
  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly pairs: Set<[Socket, Socket]>,
  ) {}

  static async start(target: () => number): Promise<SocketProxy> {
    const pairs = new Set<[Socket, Socket]>();
    const server = createServer((client) => {
      const upstream = connect(target(), '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      pairs.add(pair);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
        pairs.delete(pair);
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new TypeError('proxy has no TCP address');
    return new SocketProxy(server, address.port, pairs);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  dropAll(): number {
    const n = this.pairs.size;
    for (const [a, b] of [...this.pairs]) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    return n;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Latencies in log-spaced buckets (2 % wide, 1 µs .. 1000 s): fixed memory whatever the count. */
export class LatencyHistogram {
  private static readonly BASE = 1.02;
  private static readonly MIN_MS = 1e-3;
  private readonly buckets = new Float64Array(Math.ceil(Math.log(1e9) / Math.log(LatencyHistogram.BASE)) + 1);
  count = 0;

  add(ms: number): void {
    const i = ms <= LatencyHistogram.MIN_MS ? 0 : Math.min(this.buckets.length - 1, Math.ceil(Math.log(ms / LatencyHistogram.MIN_MS) / Math.log(LatencyHistogram.BASE)));
    this.buckets[i]!++;
    this.count++;
  }

  /** The upper edge of the bucket holding the nearest-rank quantile `q`. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return LatencyHistogram.MIN_MS * LatencyHistogram.BASE ** i;
    }
    return Infinity;
  }
}

/** The simulator child of the simulator soak. */
export const SimChild = { start: (): Promise<ChildServer> => ChildServer.sim() };
