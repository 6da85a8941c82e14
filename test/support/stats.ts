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

/** A fitted slope per hour with the half-width of its 95 % confidence interval. */
export interface SlopeFit {
  slopePerHour: number;
  /** The slope is slopePerHour ± this, at 95 %; Infinity with too few samples to tell. */
  ci95PerHour: number;
  /** Lag-1 autocorrelation of the residuals, which widens the interval: memory samples follow each other. */
  lag1: number;
}

/**
 * Least-squares slope with its 95 % confidence interval. Memory sampled every
 * few seconds is strongly autocorrelated, so the plain standard error would
 * claim far too much: it is widened by the residuals' lag-1 autocorrelation
 * r (effective samples n(1−r)/(1+r)), the usual AR(1) correction.
 */
export function slopeFit(points: ReadonlyArray<{ t: number; y: number }>): SlopeFit {
  const n = points.length;
  const slope = slopePerHour(points) / 3600;
  if (n < 4) return { slopePerHour: slope * 3600, ci95PerHour: Infinity, lag1: 0 };
  const meanT = points.reduce((a, p) => a + p.t, 0) / n;
  const meanY = points.reduce((a, p) => a + p.y, 0) / n;
  const residuals = points.map((p) => p.y - meanY - slope * (p.t - meanT));
  const sst = points.reduce((a, p) => a + (p.t - meanT) ** 2, 0);
  const sse = residuals.reduce((a, r) => a + r * r, 0);
  let lagged = 0;
  for (let i = 1; i < n; i++) lagged += residuals[i]! * residuals[i - 1]!;
  const lag1 = sse === 0 ? 0 : Math.min(0.99, Math.max(0, lagged / sse));
  const effective = (n * (1 - lag1)) / (1 + lag1);
  if (sst === 0 || effective < 4) return { slopePerHour: slope * 3600, ci95PerHour: Infinity, lag1 };
  const standardError = Math.sqrt(sse / (n - 2) / sst) * Math.sqrt((1 + lag1) / (1 - lag1));
  return { slopePerHour: slope * 3600, ci95PerHour: t95(effective - 2) * standardError * 3600, lag1 };
}

/** Student's t at 97.5 % for `df` degrees of freedom (Cornish–Fisher expansion, within 1 % from df 2). */
function t95(df: number): number {
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2);
}

/**
 * The median of each `windowSeconds` of samples, at the window's middle: the
 * level a process keeps, without the moments a large decode or encode is in
 * flight (its working set, bounded by admission and freed when it ends),
 * which on single samples can swing a fitted slope by where they happen to
 * fall in the run.
 */
export function windowMedians(
  points: ReadonlyArray<{ t: number; y: number }>,
  windowSeconds: number,
): Array<{ t: number; y: number }> {
  const windows = new Map<number, number[]>();
  for (const p of points) {
    const w = Math.floor(p.t / windowSeconds);
    windows.set(w, [...(windows.get(w) ?? []), p.y]);
  }
  return [...windows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([w, ys]) => ({ t: (w + 0.5) * windowSeconds, y: median(ys) }));
}

/** Whether a memory slope shows a process flat, rising, or neither, at 95 %. */
export type SlopeVerdict = 'flat' | 'inconclusive' | 'rising';

/**
 * Flat only when the whole 95 % interval of the slope is at or under
 * `maxPerHour`; rising when the whole interval is over it; otherwise the run
 * has not told the two apart (too short, or too noisy), which is not flat.
 */
export function slopeVerdict(slopePerHour: number, ci95PerHour: number, maxPerHour: number): SlopeVerdict {
  if (slopePerHour - ci95PerHour > maxPerHour) return 'rising';
  return slopePerHour + ci95PerHour <= maxPerHour ? 'flat' : 'inconclusive';
}

/** A field's figures over a run: first, peak and last value, and its slope (MiB/hour) after warm-up. */
export interface FieldSummary {
  start: number;
  atWarmUp: number;
  peak: number;
  end: number;
  slopePerHour: number;
  /** Half-width of the slope's 95 % confidence interval ({@link slopeFit}). */
  slopeCi95PerHour: number;
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
  const fit = slopeFit(after.map((s) => ({ t: s.t, y: value(s) })));
  return {
    start: round(value(samples[0]!)),
    atWarmUp: round(value(after[0] ?? samples.at(-1)!)),
    peak: round(Math.max(...samples.map(value))),
    end: round(value(samples.at(-1)!)),
    slopePerHour: round(fit.slopePerHour),
    slopeCi95PerHour: round(fit.ci95PerHour),
  };
}
