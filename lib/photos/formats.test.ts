import { describe, expect, it } from 'vitest';
import { FORMATS, MASTER_FORMATS, OUTPUT_FORMATS, formatOfLoader, formatOfMime } from './formats.js';

describe('formats', () => {
  it('maps media types, aliases included, and nothing else', () => {
    expect([formatOfMime('image/jpeg'), formatOfMime('image/apng'), formatOfMime('image/svg+xml')]).toEqual([
      'jpeg',
      'png',
      undefined,
    ]);
  });

  it('maps libvips loader names back to stored formats', () => {
    expect([formatOfLoader('heif'), formatOfLoader('tiff'), formatOfLoader('svg')]).toEqual([
      'avif',
      'tiff',
      undefined,
    ]);
  });

  it('writes exactly the four web formats', () => {
    expect(OUTPUT_FORMATS).toEqual(['jpeg', 'png', 'webp', 'avif']);
    expect(OUTPUT_FORMATS.map((f) => FORMATS[f].mime)).toEqual([
      'image/jpeg',
      'image/png',
      'image/webp',
      'image/avif',
    ]);
  });

  it('stores masters in JPEG or WebP only', () => {
    expect(MASTER_FORMATS).toEqual(['jpeg', 'webp']);
  });
});
