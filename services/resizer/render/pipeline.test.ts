import { describe, expect, it } from 'vitest';
import type { PhotoManifest } from '../../../lib/photos/manifest.js';
import { loadResizerConfig } from '../config.js';
import { parseRequest } from '../request/parse.js';
import { plan } from './pipeline.js';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const { render: settings, handler } = loadResizerConfig({});
const PARSE = handler.parse;

/** A 4K photo as stored (`width`×`height`, before EXIF orientation), with or without its upright master. */
function manifest(width: number, height: number, master?: { width: number; height: number }): PhotoManifest {
  return {
    id: ID,
    status: master ? 'ready' : 'processing',
    createdAt: '2026-12-06T00:00:00.000Z',
    updatedAt: '2026-12-06T00:00:00.000Z',
    original: { format: 'jpeg', width, height, bytes: 1, hasAlpha: false },
    ...(master && { master: { key: `photos/${ID}/master.jpg`, format: 'jpeg', bytes: 1, ...master } }),
    conversions: [],
  };
}

const formatAt = (m: PhotoManifest, width: number) =>
  plan(m, parseRequest(ID, new URLSearchParams({ w: String(width) }), PARSE), 'avif', settings).format;

describe('plan: the AVIF pixel cap of fmt=auto', () => {
  it('uses the upright shape the master shows: 3840x2160 at w=1100 (1100x619) is AVIF like w=1000', () => {
    const landscape = manifest(3840, 2160, { width: 2048, height: 1152 });
    expect([formatAt(landscape, 1000), formatAt(landscape, 1100)]).toEqual(['avif', 'avif']);
  });

  it('reads an original stored sideways (EXIF-rotated) the way its master stands', () => {
    // Stored 2160x3840, shown 3840x2160: w=1100 is the same 1100x619 output.
    expect(formatAt(manifest(2160, 3840, { width: 2048, height: 1152 }), 1100)).toBe('avif');
    // Stored 3840x2160, shown portrait: w=1100 is 1100x1956, 2.15 MP, past the 2.1 MP cap.
    expect(formatAt(manifest(3840, 2160, { width: 1152, height: 2048 }), 1100)).toBe('webp');
  });

  it('plans both ways up while no master says which (a photo still converting)', () => {
    expect(formatAt(manifest(3840, 2160), 1100)).toBe('webp');
    expect(formatAt(manifest(3840, 2160), 1000)).toBe('avif');
  });
});

describe('plan: background renders keep the asked size', () => {
  const landscape = manifest(5640, 3172, { width: 2048, height: 1152 });
  const request = parseRequest(ID, new URLSearchParams({ w: '2048' }), PARSE);

  it('scales a request-path AVIF down to the cap, and turns fmt=auto past it into WebP', () => {
    const explicit = parseRequest(ID, new URLSearchParams({ w: '2048', fmt: 'avif' }), PARSE);
    expect(plan(landscape, explicit, 'avif', settings).limits.maxOutputPixels).toBe(settings.avifMaxPixels);
    expect(plan(landscape, request, 'avif', settings).format).toBe('webp');
  });

  it('plans a background AVIF at 2048×1152 (2.36 MP, past the 2.1 MP cap), bounded by the general limits', () => {
    const prepared = plan(landscape, request, 'avif', settings, 'background');
    expect(prepared.format).toBe('avif');
    expect(prepared.limits.maxOutputPixels).toBeGreaterThan(2048 * 1152);
    expect(prepared.limits.maxOutputPixels).toBeLessThanOrEqual(settings.resize.maxOutputPixels);
  });
});
