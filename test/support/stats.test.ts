import { describe, expect, it } from 'vitest';
import { ascending, median, percentile } from './stats.js';

describe('bench statistics', () => {
  it('takes the nearest-rank percentile', () => {
    const sorted = ascending([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]);
    expect([
      percentile(sorted, 50),
      percentile(sorted, 95),
      percentile(sorted, 100),
      percentile(sorted, 0),
    ]).toEqual([5, 10, 10, 1]);
    expect(percentile([], 50)).toBeNaN();
  });

  it('takes the median of odd and even counts, in any order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
