import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPhotoId, photoKeys } from '../../lib/photos/keys.js';
import type { PhotoManifest } from '../../lib/photos/manifest.js';
import { writeManifest } from '../../lib/photos/records.js';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { ACCEPT, ACCEPTS, browserMix, floorHitRatio, type Browser } from '../support/browser-mix.js';
import { varnishFromEnv } from '../support/env.js';
import { useVcl, type ActiveVcl } from '../support/varnish.js';
import { seedPhoto } from './resizer-fixtures.js';
import { startResizer, type RunningResizer } from './resizer-server.js';

/**
 * Issue 28: the resizer behind a real Varnish (scripts/varnish.sh) running
 * the shipped recipe, deploy/cdn/varnish/enlarger.vcl, unchanged. Short
 * max-ages keep the waits to seconds; the filesystem store keeps the file
 * free of other infrastructure.
 */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT = 2;
const MANIFEST_TTL_MS = 500;
const STAND_IN_MAX_AGE = 3;

let dataDir: string;
let storage: FsStorage;
let resizer: RunningResizer;
let vcl: ActiveVcl;
let photo: PhotoManifest;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  status: number;
  cache: string | null;
  cacheControl: string | null;
  type: string | null;
  etag: string | null;
  age: number;
}

async function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(vcl.url(pathAndQuery), { headers });
  await res.arrayBuffer();
  return {
    status: res.status,
    cache: res.headers.get('x-cache'),
    cacheControl: res.headers.get('cache-control'),
    type: res.headers.get('content-type'),
    etag: res.headers.get('etag'),
    age: Number(res.headers.get('age') ?? 0),
  };
}

const format = (a: Answer) => a.type?.replace('image/', '');

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cdn-varnish-'));
  storage = new FsStorage(dataDir);
  photo = await seedPhoto(storage, { width: 1200, height: 800, masterWidth: 1200, sizes: [400] });
  resizer = await startResizer(storage, {
    RESIZER_PROCESSING_MAX_AGE_SECONDS: String(SHORT),
    RESIZER_ERROR_MAX_AGE_SECONDS: String(SHORT),
    RESIZER_MANIFEST_TTL_MS: String(MANIFEST_TTL_MS),
    RESIZER_AVIF_FALLBACK_MAX_AGE_SECONDS: String(STAND_IN_MAX_AGE),
  });
  const port = Number(new URL(resizer.url('/')).port);
  vcl = await useVcl(varnishFromEnv(), port);
});

afterAll(async () => {
  await vcl?.dispose();
  await resizer?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('Varnish with the shipped VCL in front of the resizer', () => {
  it('answers a repeat request from the cache, immutable, and If-None-Match with 304 from the cache', async () => {
    const url = `/v1/photos/${photo.id}?w=300&fmt=jpeg`;
    const first = await get(url);
    expect(first).toMatchObject({ status: 200, cache: 'MISS', cacheControl: IMMUTABLE, type: 'image/jpeg' });
    expect(await get(url)).toMatchObject({ status: 200, cache: 'HIT', etag: first.etag });
    expect(await get(url, { 'if-none-match': first.etag! })).toMatchObject({ status: 304, cache: 'HIT' });
  });

  it('gives Chrome, Safari, Firefox and */* a format each accepts, on a miss and on a hit, in every order', async () => {
    const browsers: Browser[] = ['chrome', 'safari', 'firefox', 'any'];
    const seen = new Map<string, string>();
    for (const [n, order] of permutations(browsers).entries()) {
      // A URL per order, so each order meets an empty cache; twice through, so each client also hits.
      const url = `/v1/photos/${photo.id}?w=${200 + n}`;
      for (const browser of [...order, ...order]) {
        const answer = await get(url, { accept: ACCEPT[browser] });
        expect(answer.status).toBe(200);
        expect(ACCEPTS[browser], `${browser} got ${answer.type} (${order.join(' ')})`).toContain(
          format(answer),
        );
        seen.set(`${browser} ${answer.cache}`, format(answer)!);
      }
    }
    // Every client met both a miss and a hit; */* never got a modern format.
    expect([...seen.keys()].sort()).toEqual(browsers.flatMap((b) => [`${b} HIT`, `${b} MISS`]).sort());
    expect([seen.get('any HIT'), seen.get('any MISS')]).toEqual(['jpeg', 'jpeg']);
  });

  it('serves the AVIF stand-in until its max-age runs out, then the AVIF, immutable', async () => {
    const url = `/v1/photos/${photo.id}?w=640`;
    const chrome = { accept: ACCEPT.chrome };
    expect(await get(url, chrome)).toMatchObject({
      cache: 'MISS',
      type: 'image/webp',
      cacheControl: `public, max-age=${STAND_IN_MAX_AGE}`,
    });
    expect(await get(url, { accept: ACCEPT.safari })).toMatchObject({ cache: 'HIT', type: 'image/webp' });
    // The background render has long finished; the stand-in is kept exactly its max-age.
    await sleep(STAND_IN_MAX_AGE * 1000 + 200);
    expect(await get(url, chrome)).toMatchObject({
      cache: 'MISS',
      type: 'image/avif',
      cacheControl: IMMUTABLE,
    });
    expect(await get(url, { accept: ACCEPT.firefox })).toMatchObject({ cache: 'HIT', type: 'image/avif' });
  });

  it('stops answering 200 for a photo that fails after it was requested, within its short max-age', async () => {
    const processing = await seedPhoto(storage, { width: 900, height: 600 });
    await writeManifest(storage, { ...processing, status: 'processing', conversions: [] });
    const url = `/v1/photos/${processing.id}?w=300&fmt=jpeg`;
    const first = await get(url);
    expect(first).toMatchObject({ status: 200, cacheControl: `public, max-age=${SHORT}` });
    expect(first.etag).toMatch(/^"provisional-/);

    await writeManifest(storage, { ...processing, status: 'failed', error: 'cut short' });
    const failedAt = Date.now();
    // No cache may serve it past its max-age, nor the resizer past its manifest TTL.
    const bound = SHORT * 1000 + MANIFEST_TTL_MS;
    let last = first;
    while (last.status === 200) {
      await sleep(100);
      last = await get(url);
      expect(last.age).toBeLessThanOrEqual(SHORT);
      if (last.status === 200) expect(Date.now() - failedAt).toBeLessThan(bound + 1000);
    }
    expect(last).toMatchObject({ status: 404, cacheControl: `public, max-age=${SHORT}` });
  });

  it('keeps no error longer than its Cache-Control says', async () => {
    const missing = `/v1/photos/${newPhotoId()}?w=300`;
    const notCanonical = `/v1/photos/${photo.id}?w=300&fmt=auto`;
    for (const [url, status] of [
      [missing, 404],
      [notCanonical, 400],
    ] as const) {
      expect(await get(url)).toMatchObject({
        status,
        cache: 'MISS',
        cacheControl: `public, max-age=${SHORT}`,
      });
      const again = await get(url);
      expect(again).toMatchObject({ status, cache: 'HIT' });
      expect(again.age).toBeLessThanOrEqual(SHORT);
    }
    await sleep(SHORT * 1000 + 200);
    expect(await get(missing)).toMatchObject({ status: 404, cache: 'MISS' });
    expect(await get(notCanonical)).toMatchObject({ status: 400, cache: 'MISS' });

    // A file the record lists is gone: our fault and maybe passing, so no-store, never served from the cache.
    const broken = await seedPhoto(storage, { width: 600, height: 400, masterWidth: 600 });
    await storage.delete(broken.master!.key);
    await storage.delete(photoKeys(broken.id).original);
    const url = `/v1/photos/${broken.id}?w=200&fmt=jpeg`;
    for (let i = 0; i < 2; i++) {
      expect(await get(url)).toMatchObject({ status: 500, cache: 'MISS', cacheControl: 'no-store' });
    }
  });

  it('purges every output of a photo, in every class, by its tag', async () => {
    const url = `/v1/photos/${photo.id}?w=300&fmt=jpeg`;
    expect(await get(url)).toMatchObject({ cache: 'HIT' });
    const purge = await fetch(vcl.url('/'), {
      method: 'PURGE',
      headers: { 'xkey-purge': `photo-${photo.id}` },
    });
    expect(purge.status).toBe(200);
    expect(await get(url)).toMatchObject({ cache: 'MISS' });
  });

  it('reaches the floor hit ratio on a replay of a browser mix: one miss per URL and class', async () => {
    const replayed = await seedPhoto(storage, { width: 1200, height: 800, masterWidth: 1200, sizes: [400] });
    const paths = [160, 240, 320, 400, 480, 560, 640, 720, 800, 960].map(
      (w) => `/v1/photos/${replayed.id}?w=${w}&q=70`,
    );
    // Without the background AVIF mode: its stand-ins expire and would add a miss per URL.
    const plain = await startResizer(storage, {});
    const plainVcl = await useVcl(varnishFromEnv(), Number(new URL(plain.url('/')).port));
    const mix = browserMix(paths, 300);
    let hits = 0;
    try {
      for (const { path: url, browser } of mix) {
        const answer = await get(url, { accept: ACCEPT[browser] });
        expect(ACCEPTS[browser]).toContain(format(answer));
        if (answer.cache === 'HIT') hits++;
      }
    } finally {
      await plainVcl.dispose();
      await plain.stop();
    }
    expect(hits / mix.length).toBe(floorHitRatio(mix));
  });
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
