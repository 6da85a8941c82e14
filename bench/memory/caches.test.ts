import { describe, expect, it } from 'vitest';
import { cacheFills } from './caches.js';

describe('cacheFills', () => {
  const MiB = 1024 ** 2;
  const samples = [
    { t: 5, output: 2, source: 10 },
    { t: 10, output: 7.7, source: 40 },
    { t: 15, output: 8, source: 60 },
  ];

  it('says when each cache first held 95 % of its cap, and never for one that did not', () => {
    expect(cacheFills(samples, { output: 8 * MiB, source: 100 * MiB, overlay: 32 * MiB })).toEqual([
      { cache: 'output', capMiB: 8, peakMiB: 8, filledAtSeconds: 10 },
      { cache: 'source', capMiB: 100, peakMiB: 60, filledAtSeconds: undefined },
      { cache: 'overlay', capMiB: 32, peakMiB: 0, filledAtSeconds: undefined },
    ]);
  });
});
