import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventBus } from '../../lib/events/memory-events.js';
import { createLogger } from '../../lib/log/logger.js';
import { markPending, readManifest } from '../../lib/photos/records.js';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { DecodeAdmission } from '../../services/converter/admission.js';
import { loadConverterConfig } from '../../services/converter/config.js';
import { convertPhoto } from '../../services/converter/convert-photo.js';
import { columnsMean, gainMapOf, ultraHdrJpeg, type GainMapFound } from '../support/ultrahdr.js';
import { startResizer, type RunningResizer } from './resizer-server.js';
import { storeOriginal } from '../support/stored-original.js';

const LOGO_KEY = 'branding/logo.png';

/**
 * Ultra HDR from upload to render, in process on the filesystem store: the
 * converter's master and sizes, then the resizer's JPEG outputs, keep the
 * gain map and its ISO 21496-1 metadata; WebP and watermarked outputs are the
 * SDR base alone.
 */
describe('an Ultra HDR JPEG through converter and resizer', () => {
  let dir: string;
  let storage: FsStorage;
  let resizer: RunningResizer;
  let id: string;
  let source: GainMapFound;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ultrahdr-'));
    storage = new FsStorage(dir);
    const original = await ultraHdrJpeg(2400, 1600);
    source = (await gainMapOf(original))!;
    ({ id } = await storeOriginal(storage, original, { photographer: 'Ann Example' }));
    await markPending(storage, id);
    const config = loadConverterConfig({});
    const admission = new DecodeAdmission(config.memoryBudgetBytes);
    await convertPhoto(
      { photoId: id },
      { storage, config, log: createLogger({ level: 'silent' }), admission, events: new MemoryEventBus() },
    );
    await storage.put(
      LOGO_KEY,
      await sharp({ create: { width: 200, height: 200, channels: 4, background: '#ffff00' } })
        .png()
        .toBuffer(),
    );
    resizer = await startResizer(storage, {
      RESIZER_WATERMARK_LOGO_KEY: LOGO_KEY,
      RESIZER_WATERMARK_OPT_OUT: 'true',
    });
  });
  afterAll(async () => {
    await resizer?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function render(query: string) {
    const res = await fetch(resizer.url(`/v1/photos/${id}?${query}`));
    expect(res.status, query).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    return { body, meta: await sharp(body).metadata(), map: await gainMapOf(body) };
  }

  it('records which renditions carry the gain map', async () => {
    const manifest = (await readManifest(storage, id))!;
    expect(manifest.status).toBe('ready');
    expect([manifest.master!.gainMap, ...manifest.conversions.map((c) => [c.name, c.gainMap])]).toEqual([
      true,
      ['thumb', undefined],
      ['small', true],
      ['medium', true],
      ['large', undefined],
    ]);
  });

  it.each([
    ['w=600&fmt=jpeg&wm=0', 600, 400],
    ['w=1800&fmt=jpeg&wm=0', 1800, 1200],
    ['w=500&h=500&fmt=jpeg&wm=0', 500, 500],
    ['w=2400&fmt=jpeg&wm=0', 2400, 1600],
  ])('%s keeps the gain map, scaled and cropped with the picture', async (query, width, height) => {
    const { body, meta, map } = await render(query);
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', width, height]);
    expect(map).toMatchObject({ mpf: true, isoVersion: true, isoMetadata: source.isoMetadata });
    expect(map!.width / width).toBeCloseTo(source.width / 2400, 1);
    expect(map!.rightMean - map!.leftMean).toBeGreaterThan(10);
    // What a screen without HDR shows: the SDR base, the orange left half and the clipped, near-white right.
    const [left, right] = [
      await columnsMean(body, 0, width / 4),
      await columnsMean(body, width - width / 4, width / 4),
    ];
    expect(left[2]!).toBeLessThan(120);
    expect(right[2]!).toBeGreaterThan(160);
  });

  it.each([
    ['w=600&fmt=webp&wm=0', 'webp'],
    ['w=600&fmt=avif&wm=0', 'heif'],
    ['w=600&fmt=jpeg', 'jpeg'],
  ])('%s is the SDR base alone', async (query, format) => {
    const { meta, map } = await render(query);
    expect([meta.format, meta.width, map]).toEqual([format, 600, undefined]);
  });
});
