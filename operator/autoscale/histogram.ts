/** One cumulative histogram bucket: how many observations were at most `le` seconds. */
export interface Bucket {
  le: number;
  count: number;
}

/**
 * Adds cumulative histograms bucket by bucket (same bounds, as every pod of one
 * image exports), e.g. the per-pod deltas of one interval into the whole
 * Deployment's histogram for that interval.
 */
export function sumBuckets(histograms: Bucket[][]): Bucket[] {
  const byBound = new Map<number, number>();
  for (const h of histograms) for (const b of h) byBound.set(b.le, (byBound.get(b.le) ?? 0) + b.count);
  return [...byBound.entries()].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count }));
}

/**
 * `current - previous`, bucket by bucket. A counter that went down means the
 * process restarted, so the whole current histogram is the delta, as
 * Prometheus' `increase()` treats a reset.
 */
export function deltaBuckets(current: Bucket[], previous: Bucket[] | undefined): Bucket[] {
  if (!previous) return current;
  const before = new Map(previous.map((b) => [b.le, b.count]));
  const reset = current.some((b) => b.count < (before.get(b.le) ?? 0));
  if (reset) return current;
  return current.map((b) => ({ le: b.le, count: b.count - (before.get(b.le) ?? 0) }));
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly inside the
 * bucket it falls in, as PromQL's `histogram_quantile`. Undefined with no
 * observations. A quantile in the +Inf bucket answers the highest finite bound.
 */
export function quantile(q: number, buckets: Bucket[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of sorted) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return lowerBound;
      if (count === lowerCount) return le;
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / (count - lowerCount);
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
