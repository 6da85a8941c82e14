import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPhotoId, photoKeys } from '../../lib/photos/keys.js';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import type { Storage } from '../../lib/storage/storage.js';
import {
  gifWithFrames,
  gifWithScreen,
  jpegWithLeadingMetadata,
  offsetFrameGif,
  pngOneBit,
  pngWithLeadingText,
  pngWithLyingLength,
  tiffWithBadDirectoryOffset,
  webpZeroWide,
} from '../../test/support/lying-headers.js';
import { startMediaInProcess, type MediaInProcess } from '../../test/support/media-in-process.js';

async function keysIn(storage: Storage): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of storage.list('')) keys.push(info.key);
  return keys;
}

const KIB = 1024;

/** Issue 31: inputs from the fuzzing campaign, rebuilt from their description, against media on the filesystem store. */
describe('media and lying inputs (issue 31)', () => {
  let dir: string;
  let storage: FsStorage;
  let ctx: MediaInProcess;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'media-hostile-'));
    storage = new FsStorage(dir);
    ctx = await startMediaInProcess(storage);
  });
  afterAll(async () => {
    await ctx.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function upload(body: Buffer) {
    const res = await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  describe('records the size the decoder produces', () => {
    const cases: [string, () => Promise<Buffer> | Buffer][] = [
      ['a 320×213 picture whose screen says 8×16383', () => gifWithScreen(320, 213, [8, 16_383])],
      ['a 320×213 picture whose screen says 12000×8192', () => gifWithScreen(320, 213, [12_000, 8_192])],
      ['a 320×213 picture whose screen is 0 high', () => gifWithScreen(320, 213, [320, 0])],
      ['a 16×16 screen with a 16×16 frame at (16000, 9000)', offsetFrameGif],
      [
        'a 320×213 screen with a 6×320 frame',
        () => gifWithFrames([320, 213], [{ left: 0, top: 0, width: 6, height: 320 }]),
      ],
    ];
    it.each(cases)('GIF: %s', async (_name, make) => {
      const gif = await make();
      const decoded = await sharp(gif, { limitInputPixels: false }).metadata();
      const { status, body } = await upload(gif);
      expect({ status, original: body.original }).toEqual({
        status: 201,
        original: { format: 'gif', width: decoded.width, height: decoded.height, bytes: gif.length },
      });
    });

    it('refuses a GIF whose later frame alone is over the limits, though the decoder clips it', async () => {
      const before = await keysIn(storage);
      const gif = gifWithFrames(
        [16, 16],
        [
          { left: 0, top: 0, width: 16, height: 16 },
          { left: 0, top: 0, width: 17_000, height: 9_000 },
        ],
      );
      expect(await upload(gif)).toMatchObject({
        status: 422,
        body: { error: { code: 'dimensions_too_large' } },
      });
      expect(await keysIn(storage)).toEqual(before);
    });

    it('refuses a lossy WebP whose frame header says 0 wide with 422 zero_size', async () => {
      const before = await keysIn(storage);
      expect(await upload(await webpZeroWide())).toMatchObject({
        status: 422,
        body: { error: { code: 'zero_size' } },
      });
      expect(await keysIn(storage)).toEqual(before);
    });
  });

  describe('answers with the precise code', () => {
    it.each([
      ['JPEG', () => jpegWithLeadingMetadata(640 * KIB)],
      ['PNG', () => pngWithLeadingText(640 * KIB)],
    ])('reads on past 640 KiB of %s metadata before the image header', async (_name, make) => {
      const { status, body } = await upload(await make());
      expect({ status, original: body.original }).toMatchObject({
        status: 201,
        original: { width: 320, height: 200 },
      });
    });

    it('refuses more metadata than MEDIA_METADATA_BYTES as metadata_too_large', async () => {
      expect(await upload(await jpegWithLeadingMetadata(5 * 1024 * KIB))).toMatchObject({
        status: 422,
        body: { error: { code: 'metadata_too_large' } },
      });
    });

    it.each([
      ['a PNG whose IHDR length lies', pngWithLyingLength],
      ['a TIFF whose directory offset points into its header', tiffWithBadDirectoryOffset],
    ])('answers 422 corrupt, not 415, to %s', async (_name, make) => {
      expect(await upload(await make())).toMatchObject({ status: 422, body: { error: { code: 'corrupt' } } });
    });

    it('answers too_many_pixels to a 16384×16384 1-bit PNG, over sharp’s own pixel limit', async () => {
      expect(await upload(await pngOneBit(16_384))).toMatchObject({
        status: 422,
        body: { error: { code: 'too_many_pixels' } },
      });
    });
  });

  describe('never loses a photo to its record', () => {
    it('shows a photo whose stored record cannot be read as failed, with the reason', async () => {
      const id = newPhotoId();
      const now = new Date().toISOString();
      const original = { format: 'gif', width: 320, height: 0, bytes: 43, hasAlpha: true };
      const record = { id, status: 'processing', createdAt: now, updatedAt: now, original, conversions: [] };
      await storage.put(photoKeys(id).manifest, JSON.stringify(record));
      const res = await fetch(`${ctx.url}/v1/photos/${id}`);
      expect({ status: res.status, body: await res.json() }).toEqual({
        status: 200,
        body: {
          id,
          status: 'failed',
          error: expect.stringMatching(/cannot be read: original.height .*(>0|positive)/i) as unknown,
        },
      });
      await storage.delete(photoKeys(id).manifest);
    });

    it('removes what it stored when marking the photo pending fails', async () => {
      const flaky = new FsStorage(await mkdtemp(path.join(os.tmpdir(), 'media-flaky-')));
      const put = flaky.put.bind(flaky);
      flaky.put = (key, body, options) =>
        key.startsWith('pending/') ? Promise.reject(new Error('disk said no')) : put(key, body, options);
      const flakyMedia = await startMediaInProcess(flaky);
      try {
        const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } })
          .jpeg()
          .toBuffer();
        const res = await fetch(`${flakyMedia.url}/v1/photos`, { method: 'POST', body: jpeg });
        expect(res.status).toBe(500);
        expect(await keysIn(flaky)).toEqual([]);
      } finally {
        await flakyMedia.stop();
        await rm(flaky.root, { recursive: true, force: true });
      }
    });
  });
});
