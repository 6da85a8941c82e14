import { describe, expect, it } from 'vitest';
import { parseRequest } from '../request/parse.js';
import { originalSize, planResize, type ResizeLimits } from './resize.js';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const SOURCE = { width: 2000, height: 1000 };
const LIMITS: ResizeLimits = { allowEnlarge: false, maxOutputPixels: 10_000_000 };
const plan = (query: string, limits = LIMITS, source = SOURCE) =>
  planResize(
    source,
    parseRequest(ID, new URLSearchParams(query), { maxDimension: 9000, watermarkOptOut: true }),
    limits,
  );
const size = (query: string, limits = LIMITS) => {
  const { width, height } = plan(query, limits);
  return `${width}x${height}`;
};

describe('planResize', () => {
  it.each([
    ['', '2000x1000'],
    ['w=500', '500x250'],
    ['h=100', '200x100'],
    ['w=400&h=400', '400x400'],
    ['w=400&h=400&fit=contain', '400x400'],
    ['w=400&h=400&fit=fill', '400x400'],
    ['w=400&h=400&fit=inside', '400x200'],
    ['w=400&h=400&fit=outside', '800x400'],
  ])('%s gives %s', (query, expected) => {
    expect(size(query)).toBe(expected);
  });

  it('never enlarges unless allowed, keeping the asked shape', () => {
    expect(size('w=4000')).toBe('2000x1000');
    expect(size('w=1500&h=1500')).toBe('1000x1000');
    expect(size('w=3000&h=1000&fit=contain')).toBe('2000x667');
    expect(size('w=4000', { ...LIMITS, allowEnlarge: true })).toBe('4000x2000');
  });

  it('caps the pixel count, keeping the shape', () => {
    expect(size('w=2000', { ...LIMITS, maxOutputPixels: 500_000 })).toBe('1000x500');
  });

  // The memory budget's cap: a size rounded up past it was refused by the limiter as too large.
  it('rounds a capped size down, so it never passes the cap', () => {
    expect(size('w=2000', { ...LIMITS, maxOutputPixels: 499_999 })).toBe('999x499');
  });

  it('keeps the nearest size when it fits the cap: 1200×800 in 0.5 MP is 866×577, not 865×577', () => {
    const { width, height } = plan(
      'w=1200',
      { ...LIMITS, maxOutputPixels: 500_000 },
      { width: 1200, height: 800 },
    );
    expect(`${width}x${height}`).toBe('866x577');
  });

  it('maps fits and gravity to libvips terms', () => {
    expect(plan('w=10&h=10&g=north')).toMatchObject({ fit: 'cover', position: 'north' });
    expect(plan('w=10&h=10&fit=inside')).toMatchObject({ fit: 'fill', position: 'centre' });
    expect(plan('w=10&h=10&g=attention')).toMatchObject({ position: 'attention' });
  });

  it('crops around a focal point, clamped to the edges', () => {
    expect(plan('w=500&h=500&fx=0.75&fy=0.5').focalCrop).toEqual({
      resizeTo: { width: 1000, height: 500 },
      extract: { left: 500, top: 0, width: 500, height: 500 },
    });
    expect(plan('w=500&h=500&fx=0.5&fy=0.5').focalCrop?.extract.left).toBe(250);
    expect(plan('w=500&h=500&fx=0&fy=0').focalCrop?.extract.left).toBe(0);
  });
});

describe('originalSize', () => {
  it('scales a rendition up to the original long edge, keeping its orientation', () => {
    expect(originalSize({ width: 300, height: 200 }, 1200)).toEqual({ width: 1200, height: 800 });
    expect(originalSize({ width: 200, height: 300 }, 1200)).toEqual({ width: 800, height: 1200 });
  });
});
