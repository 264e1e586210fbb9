// The server's Prometheus metrics (GET /metrics), in a registry of its own so that two servers in
// one process (tests) never share counters: sessions, steps, batch sizes, step latency, queue
// wait, dropped frames, errors by code, and Node's default metrics (event-loop lag among them).
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly sessions: Gauge<'bundle' | 'state'>;
  readonly steps: Counter<'bundle'>;
  readonly batchSize: Histogram<'bundle'>;
  readonly stepLatency: Histogram<'bundle'>;
  readonly queueWait: Histogram<'bundle'>;
  readonly dropped: Counter<'bundle'>;
  readonly errors: Counter<'code'>;
  /** Event-loop delay since start (or the last reset), for /healthz and the bench. */
  readonly loopDelay: IntervalHistogram;

  constructor() {
    const registers = [this.registry];
    this.sessions = new Gauge({ name: 'momento_sessions', help: 'sessions by bundle and state (attached, detached)', labelNames: ['bundle', 'state'], registers });
    this.steps = new Counter({ name: 'momento_steps_total', help: 'policy steps served', labelNames: ['bundle'], registers });
    this.batchSize = new Histogram({ name: 'momento_batch_size', help: 'sessions per batched model call', labelNames: ['bundle'], buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers });
    this.stepLatency = new Histogram({
      name: 'momento_step_latency_seconds',
      help: 'step request received to reply sent',
      labelNames: ['bundle'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1],
      registers,
    });
    this.queueWait = new Histogram({ name: 'momento_queue_wait_seconds', help: 'time a step waited for its batch', labelNames: ['bundle'], buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1], registers });
    this.dropped = new Counter({ name: 'momento_dropped_frames_total', help: 'step requests dropped because a newer one of the same session arrived', labelNames: ['bundle'], registers });
    this.errors = new Counter({ name: 'momento_errors_total', help: 'requests refused, by error code', labelNames: ['code'], registers });
    collectDefaultMetrics({ register: this.registry });
    // Node's default lag metrics sample every 10 ms; this one every 1 ms, reset at every scrape,
    // so that one scrape before and one after a run give the run's own percentiles.
    this.loopDelay = monitorEventLoopDelay({ resolution: 1 });
    this.loopDelay.enable();
    const delay = this.loopDelay;
    new Gauge({
      name: 'momento_event_loop_delay_seconds',
      help: 'event-loop delay since the previous scrape (1 ms sampling), by quantile',
      labelNames: ['quantile'],
      registers,
      collect() {
        for (const q of [50, 99, 100]) this.set({ quantile: String(q / 100) }, (q === 100 ? delay.max : delay.percentile(q)) / 1e9);
        delay.reset();
      },
    });
  }

  close(): void {
    this.loopDelay.disable();
    this.registry.clear();
  }
}
