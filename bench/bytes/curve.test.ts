import { describe, expect, it } from 'vitest';
import { bytesAtScore, geomean, monotone } from './curve.js';

const sweep = [
  { bytes: 1000, score: 60 },
  { bytes: 4000, score: 80 },
  { bytes: 2000, score: 70 },
];

describe('bytesAtScore', () => {
  it('interpolates in log bytes between the sweep points around the score', () => {
    expect(bytesAtScore(sweep, 75)).toBeCloseTo(Math.sqrt(2000 * 4000), 6);
    expect(bytesAtScore(sweep, 70)).toBe(2000);
  });

  it('does not extrapolate past the sweep', () => {
    expect(bytesAtScore(sweep, 59.9)).toBeUndefined();
    expect(bytesAtScore(sweep, 80.1)).toBeUndefined();
  });

  it('ignores a larger encode that scored lower', () => {
    expect(monotone([...sweep, { bytes: 3000, score: 65 }]).map((p) => p.bytes)).toEqual([1000, 2000, 4000]);
  });
});

describe('geomean', () => {
  it('averages ratios so that 2x and 0.5x cancel', () => {
    expect(geomean([2, 0.5])).toBeCloseTo(1, 12);
    expect(geomean([])).toBeUndefined();
  });
});
