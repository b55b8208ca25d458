/** Timing helpers for the benchmarks: per-operation latencies, percentiles, a bounded worker pool. */

export interface PhaseResult {
  readonly name: string;
  readonly operations: number;
  readonly events: number;
  readonly wallMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly eventsPerSecond: number;
}

/** Nearest-rank percentile of sorted samples. */
export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
};

/** Times one operation and counts the events it wrote or read. */
export type Timer = <T>(events: number, operation: () => Promise<T>) => Promise<T>;

/** Samples of one kind of operation, possibly gathered over several rounds. */
export class Phase {
  private readonly samples: number[] = [];
  private events = 0;
  private wallMs = 0;
  constructor(readonly name: string) {}

  /**
   * Runs one lane per item of `lanes` (e.g. one per stream), at most `concurrency` lanes at once;
   * a lane runs its operations in order and times each through the timer it is given.
   */
  async run<L>(lanes: readonly L[], concurrency: number, lane: (item: L, time: Timer) => Promise<void>): Promise<void> {
    const time: Timer = async (count, operation) => {
      const t0 = performance.now();
      const result = await operation();
      this.samples.push(performance.now() - t0);
      this.events += count;
      return result;
    };
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      for (let index = next++; index < lanes.length; index = next++) {
        const item = lanes[index];
        if (item !== undefined) await lane(item, time);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    this.wallMs += performance.now() - started;
  }

  result(): PhaseResult {
    const sorted = [...this.samples].sort((a, b) => a - b);
    return {
      name: this.name,
      operations: sorted.length,
      events: this.events,
      wallMs: this.wallMs,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      eventsPerSecond: (this.events / this.wallMs) * 1000,
    };
  }
}

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

export const formatPhase = (r: PhaseResult) =>
  `${r.name.padEnd(46)} ${String(r.operations).padStart(6)} ops ${String(r.events).padStart(7)} ev  p50 ${fixed(r.p50Ms).padStart(7)} ms  p95 ${fixed(r.p95Ms).padStart(7)} ms  ${fixed(r.eventsPerSecond, 0).padStart(6)} ev/s`;

/** ours / theirs: a latency ratio above 1 means we are slower; a throughput ratio above 1, faster. */
export const formatRatio = (label: string, ours: PhaseResult, theirs: PhaseResult) =>
  `${label.padEnd(46)} p50 ×${fixed(ours.p50Ms / theirs.p50Ms)}  p95 ×${fixed(ours.p95Ms / theirs.p95Ms)}  events/s ×${fixed(ours.eventsPerSecond / theirs.eventsPerSecond)}`;
