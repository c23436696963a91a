/** Recent throughput of one run, for "rate" and "time left" on the progress bar. */
const WINDOW_MS = 15_000;

export class ProgressTracker {
  private samples: { t: number; done: number }[] = [];
  private done = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.samples.push({ t: now(), done: 0 });
  }

  add(users: number): void {
    this.done += users;
    const t = this.now();
    this.samples.push({ t, done: this.done });
    while (this.samples.length > 2 && this.samples[0]!.t < t - WINDOW_MS) this.samples.shift();
  }

  /** Users per second over the last few seconds; null until there is something to measure. */
  rate(): number | null {
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const seconds = (this.now() - first.t) / 1000;
    if (last.done === first.done || seconds < 0.5) return null;
    return (last.done - first.done) / seconds;
  }
}
