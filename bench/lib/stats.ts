/** Latency samples in milliseconds, summarized by percentile. */
export class Latencies {
  private readonly samples: number[] = [];
  private sorted = true;

  add(ms: number): void {
    this.samples.push(ms);
    this.sorted = false;
  }

  get count(): number {
    return this.samples.length;
  }

  /** The p-th percentile (0–1) by nearest rank; 0 when there are no samples. */
  percentile(p: number): number {
    if (this.samples.length === 0) return 0;
    if (!this.sorted) {
      this.samples.sort((a, b) => a - b);
      this.sorted = true;
    }
    const rank = Math.min(this.samples.length - 1, Math.max(0, Math.ceil(p * this.samples.length) - 1));
    return this.samples[rank] ?? 0;
  }

  mean(): number {
    return this.samples.length === 0 ? 0 : this.samples.reduce((a, b) => a + b, 0) / this.samples.length;
  }
}

/** Milliseconds since an arbitrary origin, with sub-millisecond precision. */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rounds for printing: 3 significant digits below 100, whole numbers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}
