import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { blendOver, placeOverlay, watermark } from './watermark.js';

const overlay = { rgba: Buffer.alloc(0), width: 100, height: 50 };
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

describe('blendOver', () => {
  // A 2×1 overlay: opaque red, then half-transparent white.
  const twoPixels = { rgba: Buffer.from([255, 0, 0, 255, 255, 255, 255, 128]), width: 2, height: 1 };

  it('covers opaque pixels by the overlay alpha, only inside its region', () => {
    const data = Buffer.alloc(3 * 3 * 2, 0);
    blendOver({ data, width: 3, channels: 3 }, { overlay: twoPixels, left: 1, top: 1 });
    expect([...data]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 128, 128, 128]);
  });

  it('combines alphas over a transparent frame', () => {
    const data = Buffer.from([0, 0, 255, 0, 0, 0, 255, 255]);
    blendOver({ data, width: 2, channels: 4 }, { overlay: twoPixels, left: 0, top: 0 });
    expect([...data]).toEqual([255, 0, 0, 255, 128, 128, 255, 255]);
  });
});

describe('blendOver over opaque frames', () => {
  // The float "over" the resizer used before blending in integers, as reference.
  const floatOver = (colour: number, alpha: number, backdrop: number) => {
    const a = alpha / 255;
    return Math.round((colour * a + backdrop * (1 - a)) / (a + (1 - a)));
  };

  it('gives exactly the float result for every colour, alpha and backdrop', () => {
    // One 256×256 frame per alpha: overlay red along x, backdrop red along y (the channels share the arithmetic).
    const side = 256;
    const rgba = Buffer.alloc(side * side * 4);
    const data = Buffer.alloc(side * side * 3);
    const mismatches: string[] = [];
    for (let alpha = 0; alpha < 256; alpha++) {
      for (let i = 0; i < side * side; i++) {
        rgba[i * 4] = i % side;
        rgba[i * 4 + 3] = alpha;
        data[i * 3] = Math.floor(i / side);
      }
      blendOver(
        { data, width: side, channels: 3 },
        { overlay: { rgba, width: side, height: side }, left: 0, top: 0 },
      );
      for (let i = 0; i < side * side; i++) {
        const want = floatOver(i % side, alpha, Math.floor(i / side));
        if (data[i * 3] !== want)
          mismatches.push(`alpha ${alpha}, colour ${i % side}, backdrop ${Math.floor(i / side)}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});

describe('watermark credit', () => {
  // Records who the overlay source was asked to credit; draws nothing, so the image passes through.
  const credited: string[] = [];
  const overlays = {
    logo: () => Promise.resolve(undefined),
    attribution: (name: string) => {
      credited.push(name);
      return Promise.resolve({ rgba: Buffer.alloc(0), width: 10_000, height: 10_000 });
    },
  };
  const settings = { minWidth: 320, logoPosition: 'southeast', attributionPosition: 'southwest' } as const;
  const image = sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } });

  it('credits the photographer, else the platform default, else no one', async () => {
    credited.length = 0;
    await watermark(image, output, true, 'Ann', overlays, { ...settings, defaultCredit: 'Example Photos' });
    await watermark(image, output, true, undefined, overlays, {
      ...settings,
      defaultCredit: 'Example Photos',
    });
    await watermark(image, output, true, undefined, overlays, settings);
    expect(credited).toEqual(['Ann', 'Example Photos']);
  });
});
