/**
 * The benchmarks' one set of summary statistics, so every table in
 * BENCHMARKS.md means the same thing by p95 and median.
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
