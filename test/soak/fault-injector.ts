// The fault schedule both soaks (simulator, policy server) share: one fault at a time, cycling
// through FAULT_KINDS (kill and restart the child, stall it with SIGSTOP, drop the proxied
// sockets), on a timer and/or when the caller asks; plus the RSS samples of this process and the
// child every 2 s.
export const FAULT_KINDS = ['kill-restart', 'stall', 'drop-sockets'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The options every soak takes (sessions, duration, fault schedule, warm-up, bundle, log). */
export interface SoakBaseOptions {
  /** Sessions stepping at once. Default 64. */
  readonly sessions?: number;
  /** Run for this long (timed fault schedule); else until the soak's own count is reached. */
  readonly durationS?: number;
  /** Timed schedule: one fault every this many seconds, cycling through FAULT_KINDS. Default 20. */
  readonly faultEveryS?: number;
  /** Deterministic schedule instead: inject the next fault kind when this many episodes have ended. */
  readonly faultAtEpisodes?: readonly number[];
  /** How long a stall lasts, ms. Default 3000 (beyond the 2000 ms request timeout). */
  readonly stallMs?: number;
  /** Seconds of warm-up excluded from the RSS baseline. Default 60. */
  readonly warmupS?: number;
  readonly bundle?: string;
  readonly log?: (line: string) => void;
}

/** The child process a soak injects faults into. */
export interface FaultTarget {
  restart(): Promise<void>;
  stop(): void;
  resume(): void;
  /** The child's RSS in bytes (0 when unknown). */
  rss(): number;
}

export interface FaultInjectorOptions {
  readonly target: FaultTarget;
  /** Drops every socket through the proxy. */
  readonly dropSockets: () => void;
  /** Drop the sockets after a restart too (connections to the dead process are dead). Default false. */
  readonly dropAfterRestart?: boolean;
  readonly stallMs: number;
  /** Inject one fault every this many seconds; undefined: only when `inject()` is called. */
  readonly everyS?: number;
  readonly elapsedS: () => number;
  readonly log: (line: string) => void;
}

export interface RssSample {
  readonly t: number;
  readonly bytes: number;
}

export class FaultInjector {
  readonly faultsInjected: Record<FaultKind, number> = { 'kill-restart': 0, stall: 0, 'drop-sockets': 0 };
  readonly clientRss: RssSample[] = [];
  readonly targetRss: RssSample[] = [];
  private index = 0;
  private pending: Promise<void> | undefined;
  private readonly sampler: NodeJS.Timeout;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FaultInjectorOptions) {
    this.sampler = setInterval(() => this.sample(), 2000);
    this.timer = options.everyS !== undefined ? setInterval(() => this.inject(), options.everyS * 1000) : undefined;
  }

  /** A fault is running now (a restart, a stall). */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Starts the next fault of the cycle, unless one is still running. */
  inject(): void {
    if (this.pending) return;
    const kind = FAULT_KINDS[this.index++ % FAULT_KINDS.length]!;
    this.faultsInjected[kind]++;
    const { target, dropSockets, dropAfterRestart, stallMs, elapsedS, log } = this.options;
    log(`${elapsedS().toFixed(1)} s: fault ${kind}`);
    const run = async (): Promise<void> => {
      if (kind === 'kill-restart') {
        await target.restart();
        if (dropAfterRestart) dropSockets();
      } else if (kind === 'stall') {
        target.stop();
        await new Promise((resolve) => setTimeout(resolve, stallMs));
        target.resume();
      } else dropSockets();
    };
    this.pending = run().finally(() => (this.pending = undefined));
  }

  /** Waits for the running fault (if any) to end. */
  async settled(): Promise<void> {
    await this.pending;
  }

  /** Stops the timers, waits for the running fault and takes a last sample. */
  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.timer) clearInterval(this.timer);
    await this.pending;
    this.sample();
  }

  private sample(): void {
    const t = this.options.elapsedS();
    this.clientRss.push({ t, bytes: process.memoryUsage.rss() });
    const s = this.options.target.rss();
    if (s > 0) this.targetRss.push({ t, bytes: s });
  }
}
