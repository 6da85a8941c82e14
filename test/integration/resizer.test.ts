import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoManifest } from '../../lib/photos/manifest.js';
import type { S3Storage } from '../../lib/storage/s3-storage.js';
import { signPath } from '../../services/resizer/request/signature.js';
import { regionMeans, seedPhoto, testBucket, uprightPicture } from './resizer-fixtures.js';
import { startResizer, type RunningResizer } from './resizer-server.js';

const LOGO_KEY = 'branding/logo.png';
let storage: S3Storage;
let cleanup: () => Promise<void>;
let resizer: RunningResizer;
let landscape: PhotoManifest;

const get = (path: string, headers: Record<string, string> = {}) => fetch(resizer.url(path), { headers });
async function image(path: string, headers: Record<string, string> = {}) {
  const res = await get(path, headers);
  expect(res.status, `${path} → ${res.status} ${res.status >= 400 ? await res.clone().text() : ''}`).toBe(
    200,
  );
  const body = Buffer.from(await res.arrayBuffer());
  return { res, body, meta: await sharp(body).metadata() };
}
const photo = (m: PhotoManifest, query: string) => `/v1/photos/${m.id}?${query}`;

beforeAll(async () => {
  ({ storage, cleanup } = await testBucket());
  // A solid yellow square logo makes its corner easy to tell apart from the picture.
  await storage.put(
    LOGO_KEY,
    await sharp({ create: { width: 200, height: 200, channels: 4, background: '#ffff00' } })
      .png()
      .toBuffer(),
  );
  landscape = await seedPhoto(storage, {
    width: 1200,
    height: 800,
    photographer: 'Ansel Adams',
    masterWidth: 1000,
    sizes: [300],
  });
  resizer = await startResizer(storage, {
    RESIZER_WATERMARK_LOGO_KEY: LOGO_KEY,
    RESIZER_WATERMARK_OPACITY: '1',
    // The geometry tests read clean pixels with wm=0; opting out is off by default.
    RESIZER_WATERMARK_OPT_OUT: 'true',
  });
});

afterAll(async () => {
  await resizer?.stop();
  await cleanup?.();
});

describe('resizer: geometry and format', () => {
  it.each([
    ['cover', 300, 300],
    ['contain', 300, 300],
    ['fill', 300, 300],
    ['inside', 300, 200],
    ['outside', 450, 300],
  ])('fit=%s gives %d×%d', async (fit, width, height) => {
    // cover is the default, which a canonical URL leaves out.
    const fitParam = fit === 'cover' ? '' : `&fit=${fit}`;
    const { meta, res } = await image(photo(landscape, `w=300&h=300${fitParam}&fmt=jpeg`));
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', width, height]);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
  });

  it.each([
    ['webp', 'webp'],
    ['avif', 'heif'],
    ['png', 'png'],
  ])('fmt=%s encodes %s', async (fmt, format) => {
    const { meta } = await image(photo(landscape, `w=200&fmt=${fmt}`));
    expect([meta.format, meta.width, meta.height]).toEqual([format, 200, 133]);
  });

  it('multiplies by dpr and never enlarges past the original', async () => {
    expect((await image(photo(landscape, 'w=150&dpr=2'))).meta.width).toBe(300);
    expect((await image(photo(landscape, 'w=5000&fmt=jpeg'))).meta.width).toBe(1200);
  });

  it('crops cover around the focal point or the gravity', async () => {
    const corner = { left: 5, top: 5, width: 20, height: 20 };
    const means = async (query: string) => regionMeans((await image(photo(landscape, query))).body, corner);
    // A 200×200 cover of 1200×800 keeps the full height and picks 200 of 300 columns.
    const [, leftGreen] = await means('w=200&h=200&fx=0&fy=0.5&wm=0&fmt=png');
    const [rightRed, rightGreen] = await means('w=200&h=200&fx=1&fy=0.5&wm=0&fmt=png');
    expect(leftGreen).toBeGreaterThan(150); // the green square, top-left of the picture
    expect([rightRed > 150, rightGreen < 100]).toEqual([true, true]);
    const [, , southBlue] = await means('w=400&h=100&g=south&wm=0&fmt=png');
    expect(southBlue).toBeGreaterThan(150);
    for (const query of ['w=200&h=200&g=attention', 'w=200&h=200&g=entropy']) {
      const { meta } = await image(photo(landscape, query));
      expect([meta.width, meta.height]).toEqual([200, 200]);
    }
  });

  it('turns EXIF-rotated originals upright', async () => {
    const rotated = await seedPhoto(storage, { width: 800, height: 600, exifRotated: true });
    const { body, meta } = await image(photo(rotated, 'w=400&wm=0&fmt=png'));
    expect([meta.width, meta.height, meta.orientation]).toEqual([400, 300, undefined]);
    // Red on top, blue below, green in the top-left corner: upright, not mirrored.
    const [top, bottom, corner] = await Promise.all([
      regionMeans(body, { left: 200, top: 20, width: 100, height: 50 }),
      regionMeans(body, { left: 200, top: 230, width: 100, height: 50 }),
      regionMeans(body, { left: 5, top: 5, width: 20, height: 20 }),
    ]);
    expect(top[0]).toBeGreaterThan(150);
    expect(bottom[2]).toBeGreaterThan(150);
    expect(corner[1]).toBeGreaterThan(150);
  });

  it('converts CMYK and wide-gamut ICC originals to sRGB and strips metadata', async () => {
    const cmyk = await seedPhoto(storage, { width: 600, height: 400, cmyk: true });
    const p3 = await seedPhoto(storage, {
      width: 600,
      height: 400,
      originalBytes: await sharp(await uprightPicture(600, 400))
        .withIccProfile('p3')
        .jpeg()
        .toBuffer(),
    });
    // Both paths: straight through libvips, and rendered to pixels for the watermark.
    for (const [m, query] of [
      [cmyk, 'w=400&wm=0&fmt=jpeg'],
      [cmyk, 'w=400&fmt=jpeg'],
      [p3, 'w=400&wm=0&fmt=jpeg'],
      [p3, 'w=400&fmt=webp'],
    ] as const) {
      const { body, meta } = await image(photo(m, query));
      expect([meta.space, meta.channels, meta.icc, meta.exif]).toEqual(['srgb', 3, undefined, undefined]);
      const top = await regionMeans(body, { left: 100, top: 20, width: 100, height: 40 });
      expect(top[0]).toBeGreaterThan(150);
      expect(top[2]).toBeLessThan(90);
    }
  });

  it('keeps alpha as PNG when the browser takes no WebP', async () => {
    const clear = await seedPhoto(storage, { width: 400, height: 300, alpha: true });
    const { meta, res } = await image(photo(clear, 'w=200'), { accept: 'image/png,*/*' });
    expect([meta.format, meta.hasAlpha, res.headers.get('content-type')]).toEqual(['png', true, 'image/png']);
  });
});

describe('resizer: watermark and attribution', () => {
  const corners = async (query: string) => {
    const { body } = await image(photo(landscape, query));
    return Promise.all([
      regionMeans(body, { left: 760, top: 500, width: 20, height: 20 }),
      regionMeans(body, { left: 20, top: 505, width: 60, height: 10 }),
    ]);
  };

  it('draws the logo and the photographer attribution, and wm=0 drops them', async () => {
    const [logo, text] = await corners('w=800&fmt=png');
    const [plainLogo, plainText] = await corners('w=800&fmt=png&wm=0');
    // Yellow logo over blue picture in the bottom-right; a dark plate under the text bottom-left.
    expect(logo[0] - plainLogo[0]).toBeGreaterThan(100);
    expect(text).not.toEqual(plainText);
  });

  it('skips both below the minimum width', async () => {
    const small = await image(photo(landscape, 'w=300&fmt=png'));
    const plain = await image(photo(landscape, 'w=300&fmt=png&wm=0'));
    const region = { left: 250, top: 170, width: 40, height: 20 };
    expect(await regionMeans(small.body, region)).toEqual(await regionMeans(plain.body, region));
  });
});

describe('resizer: caching headers', () => {
  it('negotiates by Accept, varies on it, and answers If-None-Match with 304', async () => {
    const path = photo(landscape, 'w=320');
    const webp = await image(path, { accept: 'image/avif;q=0,image/webp,*/*' });
    const jpeg = await image(path, { accept: '*/*' });
    expect([webp.meta.format, jpeg.meta.format]).toEqual(['webp', 'jpeg']);
    expect(webp.res.headers.get('vary')).toBe('Accept');
    expect(webp.res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = webp.res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(jpeg.res.headers.get('etag')).not.toBe(etag);

    const again = await get(path, { accept: 'image/webp', 'if-none-match': etag });
    expect([again.status, again.headers.get('etag')]).toEqual([304, etag]);
    const stale = await get(path, { accept: 'image/webp', 'if-none-match': '"other"' });
    expect(stale.status).toBe(200);
  });

  it('does not vary fixed formats on Accept', async () => {
    const { res } = await image(photo(landscape, 'w=320&fmt=jpeg'));
    expect(res.headers.get('vary')).toBeNull();
  });
});

describe('resizer: errors', () => {
  it.each([
    'w=0',
    'h=x',
    'fit=crop',
    'g=top',
    'fx=2&fy=0',
    'dpr=9',
    'fmt=gif',
    'q=0',
    'wm=3',
    'w=1&w=2',
    'zoom=2',
  ])('%s answers 400 naming the parameter', async (query) => {
    const res = await get(photo(landscape, query));
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status).toBe(400);
    const name = query.split('=')[0]!;
    expect(body.error.message).toContain(name === 'fx' ? 'fx' : name);
  });

  it.each(['AAAAAAAAAAAAAAAAAAAAAA', '..%2F..%2Fetc%2Fpasswd', 'not-an-id'])(
    'unknown id %s answers 404',
    async (id) => {
      expect((await get(`/v1/photos/${id}?w=100`)).status).toBe(404);
    },
  );
});

describe('resizer: signed URLs', () => {
  let signed: RunningResizer;
  beforeAll(async () => {
    signed = await startResizer(storage, { SIGNING_KEYS: 'new-key,old-key' });
  });
  afterAll(() => signed?.stop());

  const status = async (path: string) => (await fetch(signed.url(path))).status;

  it('serves URLs signed with the current or a previous key', async () => {
    expect(await status(signPath('new-key', photo(landscape, 'w=100&fmt=webp')))).toBe(200);
    expect(await status(signPath('old-key', photo(landscape, 'w=100&fmt=webp')))).toBe(200);
  });

  it('refuses missing, tampered and foreign signatures with 403', async () => {
    const good = signPath('new-key', photo(landscape, 'w=100'));
    expect(await status(photo(landscape, 'w=100'))).toBe(403);
    expect(await status(good.replace('w=100', 'w=1000'))).toBe(403);
    expect(await status(signPath('someone-else', photo(landscape, 'w=100')))).toBe(403);
  });

  // The attack of issue 10: on a default platform, anyone could strip the photographer's credit with wm=0.
  it('refuses wm=0 by default, even on a validly signed URL', async () => {
    expect(await status(signPath('new-key', photo(landscape, 'w=100&wm=0')))).toBe(400);
  });
});
