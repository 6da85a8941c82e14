/**
 * The benchmarks' one set of summary statistics, so every table in
 * BENCHMARKS.md means the same thing by p95, median and a memory slope.
 */

/** Nearest-rank percentile (`p` in 0–100) of ascending `sorted`; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Median of `values` in any order: the mean of the middle two for an even count; NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = ascending(values);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A sorted copy. */
export const ascending = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/** One reading of a process's memory, `t` seconds into the run; every other field (rss, heapUsed, …) in MiB. */
export interface MemorySample {
  t: number;
  [field: string]: number;
}

/** Least-squares slope of `y` over `t` (seconds), per hour; 0 with fewer than two distinct times. */
export function slopePerHour(points: ReadonlyArray<{ t: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanT = points.reduce((a, p) => a + p.t, 0) / n;
  const meanY = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - meanT) * (p.y - meanY);
    den += (p.t - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 3600;
}

/** A field's figures over a run: first, peak and last value, and its slope (MiB/hour) after warm-up. */
export interface FieldSummary {
  start: number;
  atWarmUp: number;
  peak: number;
  end: number;
  slopePerHour: number;
}

/**
 * Summarises `field` of samples taken over a run: the slope is fitted to the
 * samples from `warmUpSeconds` on, when caches have filled and the allocator
 * has taken what the workload needs, so a flat process shows ~0 and a leak
 * shows its rate.
 */
export function summarise(
  samples: readonly MemorySample[],
  field: string,
  warmUpSeconds: number,
): FieldSummary {
  if (!samples.length) throw new Error('no samples');
  const value = (s: MemorySample) => s[field] ?? 0;
  const after = samples.filter((s) => s.t >= warmUpSeconds);
  const round = (n: number) => Math.round(n);
  return {
    start: round(value(samples[0]!)),
    atWarmUp: round(value(after[0] ?? samples.at(-1)!)),
    peak: round(Math.max(...samples.map(value))),
    end: round(value(samples.at(-1)!)),
    slopePerHour: round(slopePerHour(after.map((s) => ({ t: s.t, y: value(s) })))),
  };
}
