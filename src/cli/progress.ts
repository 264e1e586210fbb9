// Progress for long CLI jobs: a bar on a terminal (cli-progress, on stderr), and on a pipe or in
// CI one line per 10 % so logs stay short.
import cliProgress from 'cli-progress';

export class Progress {
  private readonly bar: cliProgress.SingleBar | undefined;
  private done = 0;
  private nextLine = 0.1;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {
    if (process.stderr.isTTY && !process.env['CI']) {
      this.bar = new cliProgress.SingleBar(
        { format: `${label} [{bar}] {value}/{total} {percentage}% · {eta_formatted} left · {status}`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { status: '' });
    }
  }

  tick(status = ''): void {
    this.done++;
    if (this.bar) return this.bar.update(this.done, { status });
    if (this.done / this.total >= this.nextLine || this.done === this.total) {
      const secs = ((Date.now() - this.started) / 1000).toFixed(1);
      process.stderr.write(`${this.label}: ${this.done}/${this.total} (${Math.round((100 * this.done) / this.total)}%) ${secs}s ${status}\n`);
      while (this.nextLine <= this.done / this.total) this.nextLine += 0.1;
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}
