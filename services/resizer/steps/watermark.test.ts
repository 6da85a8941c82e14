import { describe, expect, it } from 'vitest';
import { placeOverlay } from './watermark.js';

const overlay = { png: Buffer.alloc(0), width: 100, height: 50 };
const output = { width: 1000, height: 600 };
const at = (placement: Parameters<typeof placeOverlay>[2]) => {
  const { left, top } = placeOverlay(overlay, output, placement);
  return [left, top];
};

describe('placeOverlay', () => {
  it('insets corners by 2% of the output width', () => {
    expect(at('southeast')).toEqual([880, 530]);
    expect(at('northwest')).toEqual([20, 20]);
    expect(at('southwest')).toEqual([20, 530]);
  });

  it('centres along the free axis', () => {
    expect(at('south')).toEqual([450, 530]);
    expect(at('center')).toEqual([450, 275]);
  });

  it('never places an overlay outside a small output', () => {
    const { left, top } = placeOverlay(overlay, { width: 100, height: 50 }, 'southeast');
    expect([left, top]).toEqual([0, 0]);
  });
});
