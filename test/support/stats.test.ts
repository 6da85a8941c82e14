import { describe, expect, it } from 'vitest';
import {
  ascending,
  median,
  percentile,
  slopeFit,
  slopePerHour,
  slopeVerdict,
  summarise,
  windowMedians,
  type MemorySample,
} from './stats.js';

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

describe('slopePerHour', () => {
  it('is the rate of a straight line, per hour', () => {
    // 1 MiB a minute.
    const points = Array.from({ length: 31 }, (_, i) => ({ t: i * 60, y: 100 + i }));
    expect(slopePerHour(points)).toBeCloseTo(60);
  });

  it('is 0 for a flat series, one point, or every point at the same time', () => {
    expect(slopePerHour([10, 10, 10].map((y, t) => ({ t, y })))).toBe(0);
    expect(slopePerHour([{ t: 5, y: 1 }])).toBe(0);
    expect(
      slopePerHour([
        { t: 5, y: 1 },
        { t: 5, y: 9 },
      ]),
    ).toBe(0);
  });

  it('fits least squares through noise: an hour of ±20 MiB around a level has next to no slope', () => {
    const points = Array.from({ length: 60 }, (_, i) => ({ t: i * 60, y: 500 + (i % 2 ? 20 : -20) }));
    expect(Math.abs(slopePerHour(points))).toBeLessThan(5);
  });
});

describe('summarise', () => {
  // Warm-up to 300 MiB in the first 10 minutes, then flat.
  const samples: MemorySample[] = Array.from({ length: 31 }, (_, i) => ({
    t: i * 60,
    rss: i < 10 ? 100 + i * 20 : 300,
    heapUsed: 40,
  }));

  it('fits the slope from the warm-up on only, and reports start, first sample after warm-up, peak and end', () => {
    expect(summarise(samples, 'rss', 600)).toEqual({
      start: 100,
      atWarmUp: 300,
      peak: 300,
      end: 300,
      slopePerHour: 0,
      slopeCi95PerHour: 0,
    });
  });

  it('with no warm-up sees the growth', () => {
    expect(summarise(samples, 'rss', 0).slopePerHour).toBeGreaterThan(200);
  });

  it('reads a missing field as 0 and refuses no samples', () => {
    expect(summarise(samples, 'external', 0).end).toBe(0);
    expect(() => summarise([], 'rss', 0)).toThrow('no samples');
  });
});

describe('slopeFit', () => {
  // A fixed pseudo-random sequence in [-1, 1), so the figures do not change between runs.
  const noise = (i: number) => ((Math.sin(i * 12.9898) * 43758.5453) % 1) * 2 - 1;

  it('gives an exact line a zero-width interval', () => {
    expect(slopeFit([0, 1, 2, 3, 4, 5].map((i) => ({ t: i * 60, y: 100 + i })))).toEqual({
      slopePerHour: 60,
      ci95PerHour: 0,
      lag1: 0,
    });
  });

  it('puts a flat series with independent noise inside a narrow interval around 0', () => {
    const fit = slopeFit(Array.from({ length: 240 }, (_, i) => ({ t: i * 10, y: 500 + 10 * noise(i) })));
    expect(Math.abs(fit.slopePerHour)).toBeLessThanOrEqual(fit.ci95PerHour);
    expect(fit.ci95PerHour).toBeLessThan(20);
  });

  it('widens the interval when samples follow each other (a random walk), so a wander is not read as a trend', () => {
    let y = 500;
    const walk = Array.from({ length: 240 }, (_, i) => ({ t: i * 10, y: (y += 10 * noise(i)) }));
    const independent = Array.from({ length: 240 }, (_, i) => ({ t: i * 10, y: 500 + 10 * noise(i) }));
    const fit = slopeFit(walk);
    expect(fit.lag1).toBeGreaterThan(0.8);
    expect(fit.ci95PerHour).toBeGreaterThan(5 * slopeFit(independent).ci95PerHour);
  });

  it('cannot tell from fewer than four samples', () => {
    expect(slopeFit([0, 1, 2].map((i) => ({ t: i, y: i }))).ci95PerHour).toBe(Infinity);
  });
});

describe('slopeVerdict', () => {
  it('is flat only when the whole interval is at or under the bound', () => {
    expect(slopeVerdict(6, 6, 50)).toBe('flat');
    expect(slopeVerdict(-40, 10, 50)).toBe('flat');
    expect(slopeVerdict(40, 10, 50)).toBe('flat');
  });

  it('is rising only when the whole interval is over the bound', () => {
    expect(slopeVerdict(861, 436, 50)).toBe('rising');
    expect(slopeVerdict(61, 10, 50)).toBe('rising');
  });

  it('is inconclusive when the interval straddles the bound, whichever side the slope is on', () => {
    expect(slopeVerdict(60, 20, 50)).toBe('inconclusive');
    expect(slopeVerdict(30, 25, 50)).toBe('inconclusive');
    expect(slopeVerdict(0, Infinity, 50)).toBe('inconclusive');
  });
});

describe('windowMedians', () => {
  it('keeps the level of each window and drops short spikes, at the window middles', () => {
    const points = Array.from({ length: 40 }, (_, t) => ({
      t,
      y: t % 10 === 3 ? 900 : 400 + Math.floor(t / 10),
    }));
    expect(windowMedians(points, 10)).toEqual([
      { t: 5, y: 400 },
      { t: 15, y: 401 },
      { t: 25, y: 402 },
      { t: 35, y: 403 },
    ]);
  });

  it('turns a flat level with spikes into a flat fit, where the raw fit follows a late spike', () => {
    const points = Array.from({ length: 1800 }, (_, t) => ({ t, y: t > 1700 && t % 7 === 0 ? 550 : 420 }));
    expect(slopeFit(points).slopePerHour).toBeGreaterThan(5);
    expect(slopeFit(windowMedians(points, 10)).slopePerHour).toBe(0);
  });
});
