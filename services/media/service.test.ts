import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { StorageUnavailableError, type Storage } from '../../lib/storage/storage.js';
import { hostileUploads } from '../../test/support/hostile.js';
import { startMediaInProcess, type MediaInProcess } from '../../test/support/media-in-process.js';
import { multipart, openRaw, requestHead, responseStatus } from '../../test/support/raw-http.js';
import { noise } from '../../test/support/noise.js';

async function keysIn(storage: Storage): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of storage.list('')) keys.push(info.key);
  return keys;
}

const jpeg = () =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer();

describe('media service', () => {
  let dir: string;
  let storage: FsStorage;
  let ctx: MediaInProcess;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'media-test-'));
    storage = new FsStorage(dir);
    ctx = await startMediaInProcess(storage, { MEDIA_MAX_BYTES: '2MB' });
  });
  afterAll(async () => {
    await ctx.media.stop();
    await ctx.queue.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a raw JPEG, stores it with a manifest and publishes a task', async () => {
    const body = await jpeg();
    const res = await fetch(`${ctx.url}/v1/photos`, {
      method: 'POST',
      body,
      headers: { 'X-Photographer': 'Ann' },
    });
    expect(res.status).toBe(201);
    const json = (await res.json()) as { id: string; status: string; original: unknown };
    expect(json).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) as unknown,
      status: 'processing',
      original: { format: 'jpeg', width: 640, height: 480, bytes: body.length },
    });
    expect(res.headers.get('location')).toBe(`/v1/photos/${json.id}`);
    expect(ctx.published).toContainEqual({ photoId: json.id });
    const status = (await (await fetch(`${ctx.url}/v1/photos/${json.id}`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ id: json.id, status: 'processing', photographer: 'Ann', conversions: [] });
    expect(await storage.head(`photos/${json.id}/original`)).toMatchObject({ size: body.length });
  });

  it('accepts multipart with the photographer in a field after the file', async () => {
    const form = new FormData();
    form.append('file', new Blob([await jpeg()]), 'a.jpg');
    form.append('photographer', 'Bea');
    const res = await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body: form });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const status = (await (await fetch(`${ctx.url}/v1/photos/${id}`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      photographer: 'Bea',
      original: { format: 'jpeg', width: 640, height: 480 },
    });
  });

  // Quantising the noise GIF alone takes 15 s when the two cores are busy, hence the long timeout.
  it('reads dimensions of TIFF (directory at the end), GIF and WebP that need more than the head', async () => {
    const cases = [
      { format: 'tiff', data: await noise(1200, 800).tiff().toBuffer() },
      { format: 'gif', data: await noise(900, 700).gif().toBuffer() },
      { format: 'webp', data: await noise(1500, 1000).webp({ quality: 100 }).toBuffer() },
    ];
    for (const { format, data } of cases) {
      const res = await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body: data });
      const body = (await res.json()) as { original: unknown };
      const meta = await sharp(data).metadata();
      expect({ status: res.status, original: body.original }).toEqual({
        status: 201,
        original: { format, width: meta.width, height: meta.height, bytes: data.length },
      });
    }
  }, 60_000);

  it('accepts a TIFF written by libtiff, whose directory lies past the head', async () => {
    const tiff = await noise(1000, 700, { sigma: 6, background: '#5080b0' })
      .tiff({ compression: 'lzw' })
      .toBuffer();
    expect(tiff.readUInt32LE(4)).toBeGreaterThan(512 * 1024);
    const res = await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body: tiff });
    expect({ status: res.status, body: await res.json() }).toMatchObject({
      status: 201,
      body: { original: { format: 'tiff', width: 1000, height: 700, bytes: tiff.length } },
    });
  });

  it('answers 400 to a multipart body cut short, and stores nothing', async () => {
    const before = await keysIn(storage);
    const { body, contentType } = multipart({ photographer: 'Ann' }, await jpeg());
    const cut = body.subarray(0, body.length - 200);
    const socket = await openRaw(ctx.url);
    const status = responseStatus(socket);
    socket.write(requestHead('/v1/photos', { 'Content-Type': contentType, 'Content-Length': cut.length }));
    socket.end(cut);
    expect(await status).toBe(400);
    expect(await keysIn(storage)).toEqual(before);
  });

  it('refuses hostile uploads with their 4xx, stores nothing and stays healthy', async () => {
    const before = await keysIn(storage);
    for (const upload of await hostileUploads()) {
      const res = await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body: upload.data });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect({ name: upload.name, status: res.status }).toEqual({ name: upload.name, status: upload.status });
      expect(body.error.code).toEqual(expect.any(String));
    }
    expect(await keysIn(storage)).toEqual(before);
    expect((await fetch(`${ctx.admin}/healthz`)).status).toBe(200);
    expect((await fetch(`${ctx.admin}/readyz`)).status).toBe(200);
  });

  it('answers 413 for a body over the byte limit, declared or streamed', async () => {
    const big = Buffer.concat([await jpeg(), Buffer.alloc(3_000_000)]);
    const declared = await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body: big });
    expect(declared.status).toBe(413);
    const streamed = await fetch(`${ctx.url}/v1/photos`, {
      method: 'POST',
      body: new Blob([big]).stream(),
      duplex: 'half',
    });
    expect(streamed.status).toBe(413);
  });

  it('treats malformed ids as not found, never as paths', async () => {
    for (const id of ['..%2F..%2Fetc%2Fpasswd', 'short', 'A'.repeat(22) + '.']) {
      const res = await fetch(`${ctx.url}/v1/photos/${id}`);
      expect(res.status).toBe(404);
    }
  });

  it('serves metrics', async () => {
    const text = await (await fetch(`${ctx.admin}/metrics`)).text();
    expect(text).toMatch(/enlarger_media_uploads_total\{result="accepted"\} \d+/);
  });
});

/** Runs `check` against media on a temporary filesystem store that `breakStorage` has broken. */
async function withBrokenStorage(
  breakStorage: (storage: FsStorage) => void,
  check: (ctx: MediaInProcess) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'media-test-'));
  const storage = new FsStorage(dir);
  breakStorage(storage);
  const ctx = await startMediaInProcess(storage);
  try {
    await check(ctx);
  } finally {
    await ctx.media.stop();
    await ctx.queue.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('media with storage down', () => {
  it('answers 503 at once and reports not ready', () =>
    withBrokenStorage(
      (storage) => {
        storage.ping = () => Promise.reject(new Error('down'));
      },
      async (ctx) => {
        const started = Date.now();
        const res = await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body: await jpeg() });
        expect(res.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(1_000);
        expect((await fetch(`${ctx.admin}/readyz`)).status).toBe(503);
      },
    ));
});

describe('media with storage failing mid-upload', () => {
  it('answers 503 storage_unavailable and marks storage not ready', () =>
    withBrokenStorage(
      (storage) => {
        storage.put = () => Promise.reject(new StorageUnavailableError('connect ECONNREFUSED'));
      },
      async (ctx) => {
        expect((await fetch(`${ctx.admin}/readyz`)).status).toBe(200);
        const res = await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body: await jpeg() });
        expect([res.status, await res.json()]).toEqual([
          503,
          { error: { code: 'storage_unavailable', message: 'storage is unavailable' } },
        ]);
        // The handler recognises the storage's own error and fails the next callers fast.
        expect((await fetch(`${ctx.admin}/readyz`)).status).toBe(503);
      },
    ));
});

describe('media with one upload slot and a 1 s idle limit', () => {
  it('sheds a second upload with 503 + Retry-After, then cuts the stalled one off and frees its slot', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'media-test-'));
    const storage = new FsStorage(dir);
    const ctx = await startMediaInProcess(storage, {
      MEDIA_MAX_UPLOADS: '1',
      MEDIA_UPLOAD_IDLE_SECONDS: '1',
    });
    try {
      const body = await jpeg();
      const stalled = await openRaw(ctx.url);
      const closed = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
      stalled.on('error', () => undefined);
      stalled.write(requestHead('/v1/photos', { 'Content-Length': body.length * 2 }));
      stalled.write(body);
      await new Promise((r) => setTimeout(r, 200));
      const shed = await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body });
      expect({ status: shed.status, retryAfter: shed.headers.get('retry-after') }).toEqual({
        status: 503,
        retryAfter: '2',
      });
      expect((await fetch(`${ctx.admin}/healthz`)).status).toBe(200);
      const started = Date.now();
      await closed;
      expect(Date.now() - started).toBeLessThan(3_000);
      expect((await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body })).status).toBe(201);
      expect((await keysIn(storage)).filter((k) => k.endsWith('/original'))).toHaveLength(1);
    } finally {
      await ctx.media.stop();
      await ctx.queue.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
