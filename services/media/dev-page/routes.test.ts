import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/config/parse-env.js';
import { newPhotoId, photoKeys } from '../../../lib/photos/keys.js';
import { writeManifest } from '../../../lib/photos/records.js';
import { FsStorage } from '../../../lib/storage/fs-storage.js';
import { signPath } from '../../resizer/request/signature.js';
import { startMediaInProcess, type MediaInProcess } from '../../../test/support/media-in-process.js';
import { loadMediaConfig } from '../config.js';

/** A converted photo as the converter leaves it: manifest, master and one size. */
async function readyPhoto(storage: FsStorage): Promise<string> {
  const id = newPhotoId();
  const keys = photoKeys(id);
  const image = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
  const master = await image(400, 300);
  const small = await image(200, 150);
  await storage.put(keys.master('jpeg'), master);
  await storage.put(keys.size('small', 'jpeg'), small);
  const rendition = (key: string, width: number, height: number, bytes: number) => ({
    key,
    format: 'jpeg' as const,
    width,
    height,
    bytes,
  });
  await writeManifest(storage, {
    id,
    status: 'ready',
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    original: { format: 'jpeg', width: 800, height: 600, bytes: 1234, hasAlpha: false },
    master: rendition(keys.master('jpeg'), 400, 300, master.length),
    conversions: [{ name: 'small', ...rendition(keys.size('small', 'jpeg'), 200, 150, small.length) }],
  });
  return id;
}

const postPaths = (url: string, body: unknown) =>
  fetch(`${url}/dev/api/resizer-urls`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the dev page', () => {
  let dir: string;
  let storage: FsStorage;
  let id: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dev-page-test-'));
    storage = new FsStorage(dir);
    id = await readyPhoto(storage);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is off by default: / and /dev/api are 404 while the API answers', async () => {
    const media = await startMediaInProcess(storage, {});
    try {
      for (const route of [
        '/',
        '/index.html',
        '/app.js',
        '/dev/api/photos',
        `/dev/api/photos/${id}/files/master`,
      ]) {
        expect({ route, status: (await fetch(`${media.url}${route}`)).status }).toEqual({
          route,
          status: 404,
        });
      }
      expect((await postPaths(media.url, { paths: [] })).status).toBe(404);
      expect((await fetch(`${media.url}/v1/photos/${id}`)).status).toBe(200);
    } finally {
      await media.stop();
    }
  });

  it('needs the resizer URL when on, naming the variable', () => {
    expect(() => loadMediaConfig({ MEDIA_DEV_PAGE: 'true' })).toThrow(ConfigError);
    expect(() => loadMediaConfig({ MEDIA_DEV_PAGE: 'true' })).toThrow(
      'MEDIA_DEV_RESIZER_URL is required when MEDIA_DEV_PAGE is true, got nothing',
    );
    expect(loadMediaConfig({}).devPage).toBeUndefined();
    expect(
      loadMediaConfig({ MEDIA_DEV_PAGE: 'true', MEDIA_DEV_RESIZER_URL: 'http://localhost:8081/' }).devPage,
    ).toEqual({ resizerUrl: 'http://localhost:8081' });
  });

  describe('when on', () => {
    const env = { MEDIA_DEV_PAGE: 'true', MEDIA_DEV_RESIZER_URL: 'http://resizer.test:8081' };
    let media: MediaInProcess;

    beforeAll(async () => {
      media = await startMediaInProcess(storage, env);
    });
    afterAll(() => media.stop());

    it('serves the page and its script at /', async () => {
      const page = await fetch(`${media.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<script type="module" src="app.js"></script>');
      const script = await fetch(`${media.url}/app.js`);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript|^application\/javascript/);
    });

    it('lists photos as GET /v1/photos/{id} shows them', async () => {
      const { photos } = (await (await fetch(`${media.url}/dev/api/photos`)).json()) as {
        photos: unknown[];
      };
      const one: unknown = await (await fetch(`${media.url}/v1/photos/${id}`)).json();
      expect(photos).toEqual([one]);
    });

    it('prefixes resizer paths with the resizer URL, unsigned when the resizer has no keys', async () => {
      const paths = [`/v1/photos/${id}?fmt=auto&h=240&w=240`, `/v1/photos/${id}?dpr=2&w=800`];
      const res = await postPaths(media.url, { paths });
      expect(await res.json()).toEqual({ urls: paths.map((p) => `http://resizer.test:8081${p}`) });
    });

    it('refuses anything but resizer photo paths', async () => {
      for (const paths of [
        ['/etc/passwd'],
        [`http://evil.test/v1/photos/${id}`],
        ['/v1/photos/short?w=1'],
        'x',
      ]) {
        const res = await postPaths(media.url, { paths });
        expect({ paths, status: res.status }).toEqual({ paths, status: 400 });
      }
    });

    it('streams the stored master and sizes, and 404s the rest', async () => {
      for (const [name, width] of [
        ['master', 400],
        ['small', 200],
      ] as const) {
        const res = await fetch(`${media.url}/dev/api/photos/${id}/files/${name}`);
        expect(res.headers.get('content-type')).toBe('image/jpeg');
        expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(width);
      }
      for (const route of [
        `/dev/api/photos/${id}/files/huge`,
        `/dev/api/photos/${'x'.repeat(22)}/files/master`,
      ]) {
        expect((await fetch(`${media.url}${route}`)).status).toBe(404);
      }
    });
  });

  it('signs each path with the signer `enlarger dev` passes, in canonical form', async () => {
    const sign = (p: string) => signPath('k1', p);
    const media = await startMediaInProcess(
      storage,
      { MEDIA_DEV_PAGE: 'true', MEDIA_DEV_RESIZER_URL: 'http://r.test' },
      sign,
    );
    try {
      const res = await postPaths(media.url, { paths: [`/v1/photos/${id}?w=240&fmt=auto`] });
      const { urls } = (await res.json()) as { urls: string[] };
      expect(urls).toEqual([`http://r.test${signPath('k1', `/v1/photos/${id}?fmt=auto&w=240`)}`]);
      expect(urls[0]).toMatch(/\?fmt=auto&w=240&s=[A-Za-z0-9_-]{43}$/);
    } finally {
      await media.stop();
    }
  });
});
