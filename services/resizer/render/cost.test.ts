import { describe, expect, it } from 'vitest';
import { maxPixelsWithin, workingSetBytes } from './cost.js';

const MP = 1_000_000;

describe('workingSetBytes', () => {
  it('charges AVIF far more than JPEG for the same output', () => {
    const source = { format: 'jpeg' as const, width: 16_000, height: 9_000 };
    const jpeg = workingSetBytes({ source, outputPixels: 2 * MP, format: 'jpeg' });
    const avif = workingSetBytes({ source, outputPixels: 2 * MP, format: 'avif' });
    expect([jpeg, avif]).toEqual([10 * MP, 32 * MP]);
  });

  it('charges whole-image decoders for every source pixel, WebP at its shrink-on-load scale', () => {
    const out = { outputPixels: 1 * MP, format: 'jpeg' as const };
    expect(workingSetBytes({ ...out, source: { format: 'avif', width: 10_000, height: 10_000 } })).toBe(
      405 * MP,
    );
    expect(workingSetBytes({ ...out, source: { format: 'webp', width: 12_000, height: 12_000 } })).toBe(
      21 * MP,
    );
    expect(workingSetBytes({ ...out, source: { format: 'png', width: 12_000, height: 12_000 } })).toBe(
      5 * MP,
    );
  });

  it('turns the memory budget into an output limit per format', () => {
    const jpeg = { format: 'jpeg' as const, width: 16_000, height: 9_000 };
    expect(maxPixelsWithin(320 * MP, jpeg, 'jpeg')).toBe(64 * MP);
    expect(maxPixelsWithin(320 * MP, jpeg, 'avif')).toBe(20 * MP);
    // Whatever comes out fits: the estimate at the limit is within the budget.
    const webp = { format: 'webp' as const, width: 12_000, height: 12_000 };
    const limit = maxPixelsWithin(320 * MP, webp, 'webp');
    expect(workingSetBytes({ source: webp, outputPixels: limit, format: 'webp' })).toBeLessThanOrEqual(
      320 * MP,
    );
    expect(maxPixelsWithin(320 * MP, { format: 'avif', width: 10_000, height: 10_000 }, 'jpeg')).toBe(0);
  });
});
