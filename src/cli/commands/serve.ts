// `momento serve`: the policy server for one or more bundles until interrupted (Ctrl-C / SIGTERM):
// sessions at ws://host:port/<bundle>, GET /healthz and /metrics, optionally openpi's wire format.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { PolicyServer } from '../../server/policy-server.js';
import type { OpenpiKeyMap } from '../../server/openpi.js';
import { parseDevice, parsePositiveInt } from '../options.js';

interface ServeOptions {
  policy: string[];
  port: string;
  host: string;
  device: string;
  tokenFile?: string;
  maxFrameMb: string;
  ttl: string;
  snapshotDir?: string;
  snapshotEvery: string;
  maxBatch: string;
  batchWindowMs: string;
  batching: boolean;
  openpiPort?: string;
  openpiBundle?: string;
  openpiKeys?: string;
  inference: string;
  maxSessions: string;
  maxConnections: string;
  handshakeTimeoutMs: string;
}

function parsePort(option: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`${option}: expected 0..65535, got '${value}'`);
  return port;
}

function readKeyMap(file: string): OpenpiKeyMap {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RangeError(`--openpi-keys ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !Object.values(raw).every((v) => typeof v === 'string')) {
    throw new RangeError(`--openpi-keys ${file}: expected a JSON object of openpi key → 'proprio' | 'task' | camera name`);
  }
  return raw as OpenpiKeyMap;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve policies over WebSocket: per-session memory, resume, batching across sessions')
    .requiredOption('--policy <bundle...>', 'bundle folder(s); each is served at ws://host:port/<folder name>')
    .option('--port <port>', 'TCP port (0 = any free port)', '8700')
    .option('--host <host>', 'address to listen on (loopback by default; widen it only with --token-file)', '127.0.0.1')
    .option('--device <device>', 'auto | gpu | cpu', 'cpu')
    .option('--token-file <file>', 'require `Authorization: Bearer <token>` (the file\'s first line) at every connection')
    .option('--max-frame-mb <n>', 'largest request frame, MiB', '16')
    .option('--ttl <s>', 'seconds a dropped session is kept for a resume', '60')
    .option('--snapshot-dir <dir>', 'persist sessions here and resume them after a restart')
    .option('--snapshot-every <n>', 'steps between persisted snapshots', '1')
    .option('--max-batch <n>', 'largest batch of sessions per model call', '32')
    .option('--batch-window-ms <ms>', 'how long a step waits for others to batch with', '2')
    .option('--no-batching', 'one session per model call')
    .option('--openpi-port <port>', 'also speak openpi\'s wire format on this port (at /)')
    .option('--openpi-bundle <name>', 'bundle for the openpi endpoint (default: the first)')
    .option('--openpi-keys <file>', 'JSON map of openpi observation keys to proprio | task | camera name')
    .option('--inference <mode>', 'worker (graphs off the event loop) | inline', 'worker')
    .option('--max-sessions <n>', 'most sessions at once (openpi connections included)', '1024')
    .option('--max-connections <n>', 'most WebSocket connections at once; more are refused with HTTP 503', '1024')
    .option('--handshake-timeout-ms <ms>', 'drop connections whose WebSocket handshake takes longer', '5000')
    .action(async (opts: ServeOptions) => {
      const token = opts.tokenFile ? readFileSync(opts.tokenFile, 'utf8').split('\n')[0]!.trim() : undefined;
      if (opts.tokenFile && !token) throw new RangeError(`--token-file ${opts.tokenFile}: the first line is empty`);
      if (opts.inference !== 'worker' && opts.inference !== 'inline') throw new RangeError(`--inference: expected worker or inline, got '${opts.inference}'`);
      const loopback = opts.host === '127.0.0.1' || opts.host === '::1' || opts.host === 'localhost';
      if (!loopback && !token) console.warn(`momento serve: listening on ${opts.host} without --token-file: anyone who reaches this address can use the policy`);
      const windowMs = Number(opts.batchWindowMs);
      if (!(windowMs >= 0)) throw new RangeError(`--batch-window-ms: expected a number >= 0, got '${opts.batchWindowMs}'`);
      const ttl = Number(opts.ttl);
      if (!(ttl > 0)) throw new RangeError(`--ttl: expected seconds > 0, got '${opts.ttl}'`);
      const server = await PolicyServer.create({
        bundles: opts.policy,
        port: parsePort('--port', opts.port),
        host: opts.host,
        device: parseDevice(opts.device),
        inference: opts.inference,
        maxFrameBytes: parsePositiveInt('--max-frame-mb', opts.maxFrameMb) * 2 ** 20,
        ttlS: ttl,
        snapshotEvery: parsePositiveInt('--snapshot-every', opts.snapshotEvery),
        maxBatch: opts.batching ? parsePositiveInt('--max-batch', opts.maxBatch) : 1,
        waitMs: windowMs,
        maxSessions: parsePositiveInt('--max-sessions', opts.maxSessions),
        maxConnections: parsePositiveInt('--max-connections', opts.maxConnections),
        handshakeTimeoutMs: parsePositiveInt('--handshake-timeout-ms', opts.handshakeTimeoutMs),
        ...(token ? { token } : {}),
        ...(opts.snapshotDir ? { snapshotDir: opts.snapshotDir } : {}),
        ...(opts.openpiPort !== undefined ? { openpiPort: parsePort('--openpi-port', opts.openpiPort) } : {}),
        ...(opts.openpiBundle ? { openpiBundle: opts.openpiBundle } : {}),
        ...(opts.openpiKeys ? { openpiKeys: readKeyMap(opts.openpiKeys) } : {}),
      });
      const health = server.health();
      for (const b of health.bundles) console.log(`serving ${b} at ${server.url}/${b}`);
      if (health.sessions > 0) console.log(`resumable sessions from ${opts.snapshotDir}: ${health.sessions}`);
      if (server.openpiUrl) console.log(`openpi endpoint at ${server.openpiUrl}`);
      console.log(`health ${server.httpUrl}/healthz, metrics ${server.httpUrl}/metrics (device ${health.provider})`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
      console.log('policy server stopped');
    });
}
