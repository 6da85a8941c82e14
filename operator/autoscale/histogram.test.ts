import { describe, expect, it } from 'vitest';
import { deltaBuckets, quantile, sumBuckets } from './histogram.js';

const h = (...counts: number[]) => [0.05, 0.1, 0.2, Infinity].map((le, i) => ({ le, count: counts[i] ?? 0 }));

describe('histogram', () => {
  it('interpolates the quantile inside its bucket, as histogram_quantile does', () => {
    // 100 observations: 50 ≤ 50 ms, 90 ≤ 100 ms, 100 ≤ 200 ms. p95 is halfway through the 100–200 ms bucket.
    expect(quantile(0.95, h(50, 90, 100, 100))).toBeCloseTo(0.15, 6);
    expect(quantile(0.5, h(50, 90, 100, 100))).toBeCloseTo(0.05, 6);
  });

  it('answers the highest finite bound for a quantile in +Inf, and nothing without observations', () => {
    expect(quantile(0.95, h(0, 0, 10, 100))).toBe(0.2);
    expect(quantile(0.95, h(0, 0, 0, 0))).toBeUndefined();
  });

  it('sums pods bucket by bucket and takes interval deltas, treating a counter reset as a restart', () => {
    expect(sumBuckets([h(1, 2, 3, 4), h(10, 20, 30, 40)])).toEqual(h(11, 22, 33, 44));
    expect(deltaBuckets(h(10, 20, 30, 40), h(1, 2, 3, 4))).toEqual(h(9, 18, 27, 36));
    expect(deltaBuckets(h(1, 1, 1, 1), h(5, 5, 5, 5))).toEqual(h(1, 1, 1, 1));
    expect(deltaBuckets(h(1, 2, 3, 4), undefined)).toEqual(h(1, 2, 3, 4));
  });
});
