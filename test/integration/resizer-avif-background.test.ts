import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoManifest } from '../../lib/photos/manifest.js';
import { seedPhoto, testBucket } from './resizer-fixtures.js';
import { startResizer, type RunningResizer } from './resizer-server.js';

const CHROME = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const AVIF_CAP = 500_000;
let cleanup: () => Promise<void>;
let resizer: RunningResizer;
let photo: PhotoManifest;

async function get(query: string, accept?: string) {
  const started = performance.now();
  const res = await fetch(resizer.url(`/v1/photos/${photo.id}?${query}`), {
    headers: accept ? { accept } : {},
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = Buffer.from(await res.arrayBuffer());
  const meta = await sharp(body).metadata();
  return {
    ms: performance.now() - started,
    cacheControl: res.headers.get('cache-control'),
    vary: res.headers.get('vary'),
    type: res.headers.get('content-type'),
    width: meta.width,
  };
}

beforeAll(async () => {
  const bucket = await testBucket();
  cleanup = bucket.cleanup;
  photo = await seedPhoto(bucket.storage, { width: 1600, height: 1067, masterWidth: 1600, sizes: [800] });
  // Background AVIF is the default, so it is not set here. The AVIF pixel cap is lowered below
  // the 1200×800 output the first test asks for: a background render must not be held to it.
  resizer = await startResizer(bucket.storage, {
    RESIZER_AVIF_FALLBACK_MAX_AGE_SECONDS: '30',
    RESIZER_AVIF_MAX_PIXELS: String(AVIF_CAP),
  });
  // Warm libvips and the source cache, so the timings logged below compare encodes.
  await get('w=200&fmt=jpeg');
});

afterAll(async () => {
  await resizer?.stop();
  await cleanup?.();
});

describe('resizer: fmt=auto AVIF rendered in the background', () => {
  it('answers WebP with a short max-age at once, then AVIF of the asked width (past the cap) as immutable', async () => {
    const first = await get('w=1200', CHROME);
    expect(first).toMatchObject({
      type: 'image/webp',
      width: 1200,
      cacheControl: 'public, max-age=30',
      vary: 'Accept',
    });

    // Each request offers the render again; coalesced, so it still runs once.
    let later = first;
    const until = Date.now() + 30_000;
    while (later.type !== 'image/avif' && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      later = await get('w=1200', CHROME);
    }
    expect(later).toMatchObject({ type: 'image/avif', width: 1200, cacheControl: IMMUTABLE, vary: 'Accept' });
    // The warm-up, the stand-in and the AVIF.
    expect(await resizer.metric('enlarger_resizer_renders_total')).toBe(3);
    // On the request path the cap still holds: 1200×800 is scaled to fit 0.5 MP.
    const explicit = await get('w=1200&fmt=avif');
    expect(explicit).toMatchObject({ type: 'image/avif', width: 866 });
    console.log(
      `w=1200 fmt=auto (Chrome): WebP stand-in in ${Math.round(first.ms)} ms; ` +
        `explicit fmt=avif (866 px, capped) on the request path in ${Math.round(explicit.ms)} ms`,
    );
  });

  it('leaves browsers without AVIF alone: the negotiated format, immutable', async () => {
    expect(await get('w=900', 'image/webp,*/*')).toMatchObject({
      type: 'image/webp',
      width: 900,
      cacheControl: IMMUTABLE,
    });
    expect(await get('w=900', '*/*')).toMatchObject({
      type: 'image/jpeg',
      width: 900,
      cacheControl: IMMUTABLE,
    });
  });

  it('renders an explicit fmt=avif on the request path, immutable and without Vary', async () => {
    expect(await get('w=700&fmt=avif', CHROME)).toMatchObject({
      type: 'image/avif',
      width: 700,
      cacheControl: IMMUTABLE,
      vary: null,
    });
  });
});
