import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UnrecoverableError } from '../../lib/errors.js';
import { MemoryEventBus } from '../../lib/events/memory-events.js';
import { photoOutcomeEvent, type PhotoEvent } from '../../lib/events/photo-event.js';
import { QueueUnavailableError } from '../../lib/queue/queue.js';
import { createLogger } from '../../lib/log/logger.js';
import { newPhotoId, photoKeys } from '../../lib/photos/keys.js';
import type { ImageFormat } from '../../lib/photos/manifest.js';
import {
  ManifestUnreadableError,
  markPending,
  readManifest,
  writeManifest,
} from '../../lib/photos/records.js';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { awkwardImages, meanColour } from '../../test/support/photos.js';
import { DecodeAdmission } from './admission.js';
import { loadConverterConfig } from './config.js';
import { convertPhoto, type ConvertDeps } from './convert-photo.js';
import { noise } from '../../test/support/noise.js';
import { gifWithFrames, gifWithScreen } from '../../test/support/lying-headers.js';
import type { PhotoManifest } from '../../lib/photos/manifest.js';
import type * as DecodeMasterModule from './pipeline/decode-master.js';
import { decodeMaster } from './pipeline/decode-master.js';
import { HeifDecoderMissingError } from './pipeline/heif-decode.js';
import { heifEnc } from '../../test/support/heif.js';
import { gainMapOf, ultraHdrJpeg } from '../../test/support/ultrahdr.js';

// The real decoder, watched: the original must be decoded once per photo, however many sizes there are.
vi.mock('./pipeline/decode-master.js', async (importOriginal) => {
  const real = await importOriginal<typeof DecodeMasterModule>();
  return { ...real, decodeMaster: vi.fn(real.decodeMaster) };
});

const log = createLogger({ level: 'silent' });

describe('convertPhoto', () => {
  let dir: string;
  let storage: FsStorage;
  const config = loadConverterConfig({});
  const admission = new DecodeAdmission(config.memoryBudgetBytes);
  const events = new MemoryEventBus();
  let deps: ConvertDeps;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'converter-test-'));
    storage = new FsStorage(dir);
    deps = { storage, config, log, admission, events };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function seed(data: Buffer, format: ImageFormat = 'jpeg', size?: { width: number; height: number }) {
    const id = newPhotoId();
    await storage.put(photoKeys(id).original, data);
    const now = new Date().toISOString();
    const meta = size ?? (await sharp(data).metadata());
    await writeManifest(storage, {
      id,
      status: 'processing',
      createdAt: now,
      updatedAt: now,
      original: {
        format,
        width: meta.width ?? 1,
        height: meta.height ?? 1,
        bytes: data.length,
        hasAlpha: false,
      },
      conversions: [],
    });
    await markPending(storage, id);
    return id;
  }

  it('makes an upright sRGB master and every size from awkward inputs', async () => {
    for (const image of await awkwardImages()) {
      const format = (await sharp(image.data).metadata()).format as ImageFormat;
      const id = await seed(image.data, format);
      expect(await convertPhoto({ photoId: id }, deps)).toBe('converted');
      const manifest = (await readManifest(storage, id))!;
      expect(manifest.status, image.name).toBe('ready');
      expect(manifest.master).toMatchObject({ width: image.width, height: image.height });
      expect(manifest.conversions.map((c) => c.name)).toEqual(config.sizes.map((s) => s.name));
      const master = await storage.getBuffer(manifest.master!.key);
      const meta = await sharp(master).metadata();
      expect({
        name: image.name,
        space: meta.space,
        orientation: meta.orientation,
        progressive: meta.isProgressive,
      }).toEqual({
        name: image.name,
        space: 'srgb',
        orientation: undefined,
        progressive: false,
      });
      if (image.marker) {
        const corner = await meanColour(master, { left: 0, top: 0, width: 40, height: 25 });
        corner.forEach((v, i) => expect(Math.abs(v - image.marker![i]!), image.name).toBeLessThan(12));
      }
      if (image.colour) {
        const colour = await meanColour(master);
        colour.forEach((v, i) => expect(Math.abs(v - image.colour![i]!), image.name).toBeLessThan(12));
      }
      for (const conversion of manifest.conversions) {
        const out = await sharp(await storage.getBuffer(conversion.key)).metadata();
        expect([out.width, out.height]).toEqual([conversion.width, conversion.height]);
      }
      expect(await storage.head(photoKeys(id).pending)).toBeUndefined();
    }
  });

  it('sizes a large photo from the master: long edge capped, aspect kept, cover crops exactly', async () => {
    const big = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    const id = await seed(big);
    await convertPhoto({ photoId: id }, deps);
    const manifest = (await readManifest(storage, id))!;
    expect(manifest.master).toMatchObject({ format: 'jpeg', width: 2048, height: 1536 });
    const byName = Object.fromEntries(manifest.conversions.map((c) => [c.name, [c.width, c.height]]));
    expect(byName).toEqual({
      thumb: [320, 320],
      small: [640, 480],
      medium: [1280, 960],
      large: [1920, 1440],
    });
  });

  it('decodes a progressive original once and makes every size in its configured format from it', async () => {
    const progressive = await sharp({
      create: { width: 2400, height: 1600, channels: 3, background: '#468' },
    })
      .jpeg({ quality: 90, progressive: true })
      .toBuffer();
    const id = await seed(progressive);
    vi.mocked(decodeMaster).mockClear();
    await convertPhoto({ photoId: id }, deps);
    expect(vi.mocked(decodeMaster)).toHaveBeenCalledTimes(1);
    const manifest = (await readManifest(storage, id))!;
    const stored = await Promise.all(
      [manifest.master!, ...manifest.conversions].map(async (c) => {
        const meta = await sharp(await storage.getBuffer(c.key)).metadata();
        return [meta.format, meta.width, meta.height, meta.isProgressive];
      }),
    );
    expect(stored).toEqual([
      ['jpeg', 2048, 1365, false],
      ['webp', 320, 320, false],
      ['jpeg', 640, 427, false],
      ['jpeg', 1280, 853, false],
      ['webp', 1920, 1280, false],
    ]);
  });

  it('keeps only the copyright from the EXIF', async () => {
    const withExif = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#abcdef' } })
      .withExif({ IFD0: { Copyright: 'Ann Example', Make: 'Camera Co', Artist: 'Ann' } })
      .jpeg()
      .toBuffer();
    const id = await seed(withExif);
    await convertPhoto({ photoId: id }, deps);
    const master = await storage.getBuffer((await readManifest(storage, id))!.master!.key);
    const exif = (await sharp(master).metadata()).exif?.toString('latin1') ?? '';
    expect(exif).toContain('Ann Example');
    expect(exif).not.toContain('Camera Co');
  });

  it('marks undecodable input failed and throws UnrecoverableError', async () => {
    const good = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const id = await seed(good, 'png');
    // Corrupt the stored original after the manifest was written.
    await storage.put(photoKeys(id).original, Buffer.concat([good.subarray(0, 40), Buffer.alloc(200, 7)]));
    await expect(convertPhoto({ photoId: id }, deps)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await readManifest(storage, id)).toMatchObject({
      status: 'failed',
      error: expect.any(String) as unknown,
    });
    expect(await storage.head(photoKeys(id).pending)).toBeUndefined();
  });

  it('fails a truncated JPEG even with FF D9 appended, rather than padding it grey', async () => {
    const full = await noise(900, 600).jpeg({ quality: 90 }).toBuffer();
    const cut = Buffer.concat([full.subarray(0, Math.floor(full.length * 0.6)), Buffer.from([0xff, 0xd9])]);
    const id = await seed(cut);
    await expect(convertPhoto({ photoId: id }, deps)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await readManifest(storage, id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('premature end') as unknown,
    });
  });

  it('treats a redelivery of a finished photo as done', async () => {
    const id = await seed(
      await sharp({ create: { width: 50, height: 50, channels: 3, background: '#fff' } })
        .jpeg()
        .toBuffer(),
    );
    await convertPhoto({ photoId: id }, deps);
    const first = await readManifest(storage, id);
    expect(await convertPhoto({ photoId: id }, deps)).toBe('already-done');
    expect(await readManifest(storage, id)).toEqual(first);
  });

  it('keeps an Ultra HDR gain map in the JPEG master and sizes, and drops it from WebP', async () => {
    const original = await ultraHdrJpeg(2400, 1600);
    const source = (await gainMapOf(original))!;
    const id = await seed(original);
    await convertPhoto({ photoId: id }, deps);
    const manifest = (await readManifest(storage, id))!;
    expect(manifest.master).toMatchObject({ width: 2048, height: 1365, gainMap: true });
    const found = [];
    for (const r of [{ name: 'master', ...manifest.master! }, ...manifest.conversions]) {
      const data = await storage.getBuffer(r.key);
      const map = await gainMapOf(data);
      found.push([r.name, r.format, r.gainMap ?? false, map !== undefined]);
      if (!map) continue;
      // The map's own metadata (gains, headroom) is the original's; the map is scaled with the picture.
      expect(map).toMatchObject({ mpf: true, isoVersion: true, isoMetadata: source.isoMetadata });
      expect(map.width / r.width).toBeCloseTo(source.width / 2400, 2);
      expect(map.rightMean - map.leftMean).toBeGreaterThan(10);
      expect((await sharp(data).metadata()).isProgressive).toBe(false);
    }
    expect(found).toEqual([
      ['master', 'jpeg', true, true],
      ['thumb', 'webp', false, false],
      ['small', 'jpeg', true, true],
      ['medium', 'jpeg', true, true],
      ['large', 'webp', false, false],
    ]);
  });

  it('leaves a HEIC processing, for a retry, when the host has no HEIC decoder', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const heic = heifEnc(png);
    const id = await seed(heic, 'heic', { width: 64, height: 48 });
    const bare = await mkdtemp(path.join(os.tmpdir(), 'no-decoder-'));
    vi.stubEnv('PATH', bare);
    try {
      const err = await convertPhoto({ photoId: id }, deps).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HeifDecoderMissingError);
      expect(err).not.toBeInstanceOf(UnrecoverableError);
    } finally {
      vi.unstubAllEnvs();
      await rm(bare, { recursive: true, force: true });
    }
    const waiting = (await readManifest(storage, id))!;
    expect([waiting.status, waiting.error]).toEqual(['processing', undefined]);
    expect(await storage.head(photoKeys(id).pending)).toBeDefined();
    // Once the decoder is back, the same task converts it.
    expect(await convertPhoto({ photoId: id }, deps)).toBe('converted');
    expect(await readManifest(storage, id)).toMatchObject({
      status: 'ready',
      master: { width: 64, height: 48 },
    });
  });

  it('lets storage errors through for a retry', async () => {
    const id = await seed(
      await sharp({ create: { width: 50, height: 50, channels: 3, background: '#fff' } })
        .jpeg()
        .toBuffer(),
    );
    const broken = Object.create(storage) as FsStorage;
    broken.get = () => Promise.reject(new Error('connection refused'));
    await expect(convertPhoto({ photoId: id }, { ...deps, storage: broken })).rejects.toThrow(
      'connection refused',
    );
    expect(await readManifest(storage, id)).toMatchObject({ status: 'processing' });
  });

  // Issue 31: media recorded a GIF's logical screen, not the canvas libvips decodes.
  it('fails a photo whose record differs from the size its original decodes to, without decoding it', async () => {
    const id = await seed(await gifWithScreen(320, 213, [8, 16_383]), 'gif');
    const record = (await readManifest(storage, id))!;
    await writeManifest(storage, { ...record, original: { ...record.original, width: 8, height: 16_383 } });
    vi.mocked(decodeMaster).mockClear();
    await expect(convertPhoto({ photoId: id }, deps)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await readManifest(storage, id)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('decodes to 320×213, not the 8×16383 recorded') as unknown,
    });
    expect(decodeMaster).not.toHaveBeenCalled();
    expect(await storage.head(photoKeys(id).pending)).toBeUndefined();
  });

  it('admits a GIF by the canvas its frames make, not its 16×16 screen', async () => {
    const gif = gifWithFrames([16, 16], [{ left: 3000, top: 2000, width: 16, height: 16 }]);
    const id = await seed(gif, 'gif');
    expect((await readManifest(storage, id))!.original).toMatchObject({ width: 3016, height: 2016 });
    const watched = new DecodeAdmission(config.memoryBudgetBytes);
    const run = vi.spyOn(watched, 'run');
    await convertPhoto({ photoId: id }, { ...deps, admission: watched });
    expect(run).toHaveBeenCalledWith(3016 * 2016 * 10, expect.any(Function));
  });

  // Issue 31: a record an older version wrote with height 0 was retried for ever.
  it('fails a photo whose record cannot be read for good: unrecoverable, marker gone', async () => {
    const id = await seed(
      await sharp({ create: { width: 50, height: 50, channels: 3, background: '#fff' } })
        .jpeg()
        .toBuffer(),
    );
    const record = (await readManifest(storage, id))!;
    const unreadable: PhotoManifest = { ...record, original: { ...record.original, height: 0 } };
    await storage.put(photoKeys(id).manifest, JSON.stringify(unreadable));
    await expect(readManifest(storage, id)).rejects.toBeInstanceOf(ManifestUnreadableError);
    const converting = convertPhoto({ photoId: id }, deps);
    await expect(converting).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(converting).rejects.toThrow(/original.height/);
    expect(await storage.head(photoKeys(id).pending)).toBeUndefined();
  });

  describe('events', () => {
    const white = () =>
      sharp({ create: { width: 60, height: 40, channels: 3, background: '#fff' } })
        .jpeg()
        .toBuffer();

    /** Events heard by `events` while `work` runs. */
    async function heard(work: () => Promise<unknown>): Promise<PhotoEvent[]> {
      const got: PhotoEvent[] = [];
      const stop = events.subscribe((e) => Promise.resolve(void got.push(e)));
      try {
        await work().catch(() => undefined);
      } finally {
        stop();
      }
      return got;
    }

    it("announces photo.ready with the manifest's keys and dimensions, then clears the marker", async () => {
      const id = await seed(await white());
      const got = await heard(() => convertPhoto({ photoId: id }, deps));
      const manifest = (await readManifest(storage, id))!;
      expect(got).toEqual([photoOutcomeEvent(manifest)]);
      expect(got[0]!.data.photo.sizes!.map((s) => s.key)).toEqual(manifest.conversions.map((c) => c.key));
      expect(await storage.head(photoKeys(id).pending)).toBeUndefined();
    });

    it('announces photo.failed with the reason for an undecodable original', async () => {
      const id = await seed(await white());
      await storage.put(photoKeys(id).original, Buffer.alloc(300, 7));
      const got = await heard(() => convertPhoto({ photoId: id }, deps));
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({
        type: 'photo.failed',
        id: `photo.failed/${id}`,
        data: { photo: { id, status: 'failed', error: expect.stringContaining('cannot decode') as unknown } },
      });
    });

    it('keeps the marker and fails the task (transiently) when the event is not confirmed; the retry announces it', async () => {
      const id = await seed(await white());
      const down = { publish: () => Promise.reject(new QueueUnavailableError('broker down')) };
      const first = convertPhoto({ photoId: id }, { ...deps, events: down });
      await expect(first).rejects.toBeInstanceOf(QueueUnavailableError);
      await expect(first).rejects.not.toBeInstanceOf(UnrecoverableError);
      // The outcome is recorded once; only its announcement is pending.
      expect(await readManifest(storage, id)).toMatchObject({ status: 'ready' });
      expect(await storage.head(photoKeys(id).pending)).toBeDefined();
      const got = await heard(async () =>
        expect(await convertPhoto({ photoId: id }, deps)).toBe('already-done'),
      );
      expect(got.map((e) => e.id)).toEqual([`photo.ready/${id}`]);
      expect(await storage.head(photoKeys(id).pending)).toBeUndefined();
    });

    it('keeps the marker of a failed photo whose photo.failed was not confirmed; the retry announces it', async () => {
      const id = await seed(await white());
      await storage.put(photoKeys(id).original, Buffer.alloc(300, 7));
      const down = { publish: () => Promise.reject(new QueueUnavailableError('broker down')) };
      await expect(convertPhoto({ photoId: id }, { ...deps, events: down })).rejects.toBeInstanceOf(
        QueueUnavailableError,
      );
      expect(await storage.head(photoKeys(id).pending)).toBeDefined();
      const got = await heard(() => convertPhoto({ photoId: id }, deps));
      expect(got.map((e) => e.type)).toEqual(['photo.failed']);
      expect(await storage.head(photoKeys(id).pending)).toBeUndefined();
    });
  });
});
