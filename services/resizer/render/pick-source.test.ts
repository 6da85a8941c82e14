import { describe, expect, it } from 'vitest';
import type { PhotoManifest } from '../../../lib/photos/manifest.js';
import { parseRequest } from '../request/parse.js';
import { pickSource } from './pick-source.js';

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const base = `photos/${ID}`;
const rendition = (name: string, width: number, height: number) => ({
  name,
  key: `${base}/sizes/${name}.jpg`,
  format: 'jpeg' as const,
  width,
  height,
  bytes: 1,
});
const manifest: PhotoManifest = {
  id: ID,
  status: 'ready',
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
  original: { format: 'jpeg', width: 6000, height: 4000, bytes: 1, hasAlpha: false },
  master: { key: `${base}/master.jpg`, format: 'jpeg', width: 3000, height: 2000, bytes: 1 },
  // Deliberately unsorted: the picker must not rely on the manifest's order.
  conversions: [
    rendition('large', 1600, 1067),
    rendition('small', 320, 213),
    rendition('square', 100, 100),
    rendition('medium', 800, 533),
  ],
};

const pick = (query: string, m: PhotoManifest = manifest) =>
  pickSource(m, parseRequest(ID, new URLSearchParams(query), { maxDimension: 10000, watermarkOptOut: true }))
    .key;

describe('pickSource', () => {
  it.each([
    // The cropped square thumbnail is never a source.
    ['w=50', 'sizes/small.jpg'],
    ['w=200', 'sizes/small.jpg'],
    ['w=320', 'sizes/small.jpg'],
    ['w=330', 'sizes/medium.jpg'],
    ['h=530', 'sizes/medium.jpg'],
    ['w=400&dpr=2', 'sizes/medium.jpg'],
    // cover 800×800 needs 1200 px of width to fill 800 px of height
    ['w=800&h=800', 'sizes/large.jpg'],
    // inside 800×800 is limited by the width
    ['w=800&h=800&fit=inside', 'sizes/medium.jpg'],
    ['w=2000', 'master.jpg'],
    ['w=3000', 'master.jpg'],
    ['w=4000', 'original'],
    ['', 'original'],
  ])('%s reads %s', (query, expected) => {
    expect(pick(query)).toBe(`${base}/${expected}`);
  });

  it('prefers a JPEG to a WebP unless the WebP has under half its pixels', () => {
    const webp = (name: string, width: number, height: number) => ({
      ...rendition(name, width, height),
      key: `${base}/sizes/${name}.webp`,
      format: 'webp' as const,
    });
    const mixed = {
      ...manifest,
      conversions: [webp('thumb', 320, 213), rendition('medium', 800, 533), webp('large', 2400, 1600)],
    };
    expect(pick('w=1000', mixed)).toBe(`${base}/master.jpg`);
    expect(pick('w=700', mixed)).toBe(`${base}/sizes/medium.jpg`);
    expect(pick('w=300', mixed)).toBe(`${base}/sizes/thumb.webp`);
    // No JPEG with enough pixels: the WebP still beats the original.
    expect(pick('w=1000', { ...mixed, master: undefined })).toBe(`${base}/sizes/large.webp`);
  });

  it('takes sizes stored the other way round for originals stored sideways', () => {
    const sideways = { ...manifest, original: { ...manifest.original, width: 4000, height: 6000 } };
    expect(pick('w=300', sideways)).toBe(`${base}/sizes/small.jpg`);
  });

  it('falls back to the original while conversions are pending', () => {
    expect(pick('w=100', { ...manifest, status: 'processing', master: undefined, conversions: [] })).toBe(
      `${base}/original`,
    );
  });

  it('answers 404 for a photo whose conversion failed', () => {
    expect(() => pick('w=100', { ...manifest, status: 'failed' })).toThrow(
      expect.objectContaining({ status: 404 }) as Error,
    );
  });
});

describe('pickSource with a margin (RESIZER_SOURCE_MARGIN)', () => {
  const pickWith = (query: string, margin: number) =>
    pickSource(
      manifest,
      parseRequest(ID, new URLSearchParams(query), { maxDimension: 10000, watermarkOptOut: true }),
      false,
      margin,
    ).key;
  it.each([
    // 2× the asked width: small (320) covers 160, medium (800) 400, large (1600) 800, the master 1500.
    ['w=160', 'sizes/small.jpg'],
    ['w=165', 'sizes/medium.jpg'],
    ['w=400', 'sizes/medium.jpg'],
    ['w=800', 'sizes/large.jpg'],
    ['w=1200', 'master.jpg'],
    // Nothing holds 2× of 2000: the largest copy that covers it, not the original.
    ['w=2000', 'master.jpg'],
    ['w=4000', 'original'],
  ])('%s → %s', (query, key) => {
    expect(pickWith(query, 2)).toBe(key === 'original' ? `${base}/original` : `${base}/${key}`);
  });
  it('is the smallest copy that covers at margin 1', () => {
    expect(pickWith('w=400', 1)).toBe(pick('w=400'));
  });
});

describe('pickSource for a JPEG that keeps an Ultra HDR gain map', () => {
  // small and the master carry the map; medium and large (say, WebP sizes) do not.
  const hdr: PhotoManifest = {
    ...manifest,
    master: { ...manifest.master!, gainMap: true },
    conversions: manifest.conversions.map((c) => (c.name === 'small' ? { ...c, gainMap: true } : c)),
  };
  const request = (query: string) =>
    parseRequest(ID, new URLSearchParams(query), { maxDimension: 10000, watermarkOptOut: true });

  it.each([
    ['w=200', 'sizes/small.jpg', true],
    ['w=600', 'master.jpg', true],
    ['w=4000', 'original', true],
  ])('%s is cut from %s, which has the map', (query, key, gainMap) => {
    const source = pickSource(hdr, request(query), true);
    expect([source.key.replace(`${base}/`, ''), source.gainMap]).toEqual([key, gainMap]);
  });

  it('ignores the map for other outputs', () => {
    const source = pickSource(hdr, request('w=600'));
    expect([source.key.replace(`${base}/`, ''), source.gainMap]).toEqual(['sizes/medium.jpg', false]);
  });
});
