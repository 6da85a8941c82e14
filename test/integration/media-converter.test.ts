import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { hostileUploads } from '../support/hostile.js';
import { awkwardImages, largeProgressivePhoto, meanColour, realPhotosDir } from '../support/photos.js';

const SIZES = ['thumb', 'small', 'medium', 'large'];

/** Every rendition exists in storage, decodes to the size the manifest claims, and is sRGB and upright. */
async function expectRenditions(
  c: Constellation,
  photo: PhotoStatus,
  upright: { width: number; height: number },
) {
  expect(photo.status).toBe('ready');
  expect(photo.conversions.map((r) => r.name)).toEqual(SIZES);
  const long = Math.max(upright.width, upright.height);
  const scale = Math.min(1, 2048 / long);
  expect(photo.master).toMatchObject({
    width: Math.round(upright.width * scale),
    height: Math.round(upright.height * scale),
  });
  for (const r of [photo.master!, ...photo.conversions]) {
    const meta = await sharp(await c.storage.getBuffer(r.key)).metadata();
    expect({
      key: r.key,
      width: meta.width,
      height: meta.height,
      space: meta.space,
      orientation: meta.orientation,
    }).toEqual({
      key: r.key,
      width: r.width,
      height: r.height,
      space: 'srgb',
      orientation: undefined,
    });
  }
  const master = await sharp(await c.storage.getBuffer(photo.master!.key)).metadata();
  expect(master.isProgressive).toBe(false);
  // Landscape stays landscape: the aspect ratio of every "inside" size follows the upright original.
  const medium = photo.conversions.find((r) => r.name === 'medium')!;
  expect(Math.sign(medium.width - medium.height)).toBe(Math.sign(upright.width - upright.height));
}

describe('media + converter on RabbitMQ and S3', () => {
  // The awkward images go up all at once: more than media's default cap of 8 uploads in flight.
  const c = new Constellation({ MEDIA_MAX_UPLOADS: '32' });
  let media: string;

  beforeAll(async () => {
    await c.createBucket();
    media = await c.startMedia();
    await c.startConverter();
  });
  afterAll(() => c.dispose());

  it('converts the large progressive Debian wallpaper and other real photos', async () => {
    const files = [await largeProgressivePhoto()];
    const dir = realPhotosDir();
    files.push(path.join(dir, 'Flow.png'), path.join(dir, 'adwaita-l.webp'), path.join(dir, 'LadyBird.jpg'));
    const uploads = await Promise.all(
      files.map(async (file) => {
        const body = await readFile(file);
        const res = await c.upload(media, body, { 'X-Photographer': 'Debian Artists' });
        expect(res.status, file).toBe(201);
        const created = (await res.json()) as PhotoStatus;
        const meta = await sharp(body).metadata();
        expect(created.original).toMatchObject({
          width: meta.width,
          height: meta.height,
          bytes: body.length,
        });
        return { created, meta };
      }),
    );
    for (const { created, meta } of uploads) {
      const photo = await c.settled(media, created.id);
      await expectRenditions(c, photo, { width: meta.width, height: meta.height });
    }
  });

  it('converts awkward images: every EXIF orientation, CMYK, P3, 16-bit alpha PNG, animated GIF', async () => {
    const images = await awkwardImages();
    const ids = await Promise.all(
      images.map(async (image) => {
        const res = await c.upload(media, image.data);
        expect(res.status, image.name).toBe(201);
        return ((await res.json()) as PhotoStatus).id;
      }),
    );
    for (const [i, image] of images.entries()) {
      const photo = await c.settled(media, ids[i]!);
      await expectRenditions(c, photo, image);
      const master = await c.storage.getBuffer(photo.master!.key);
      if (image.marker) {
        const corner = await meanColour(master, { left: 0, top: 0, width: 40, height: 25 });
        corner.forEach((v, k) => expect(Math.abs(v - image.marker![k]!), image.name).toBeLessThan(15));
      }
      if (image.colour) {
        const mean = await meanColour(master);
        mean.forEach((v, k) => expect(Math.abs(v - image.colour![k]!), image.name).toBeLessThan(12));
      }
    }
  });

  it('refuses hostile uploads with their 4xx, stores nothing, stays healthy', async () => {
    const before = await c.keys();
    for (const upload of await hostileUploads()) {
      const res = await c.upload(media, upload.data);
      const body = (await res.json()) as { error?: { code: string } };
      expect({ name: upload.name, status: res.status, hasCode: typeof body.error?.code }).toEqual({
        name: upload.name,
        status: upload.status,
        hasCode: 'string',
      });
    }
    expect(await c.keys()).toEqual(before);
    expect((await fetch(`${c.admin(media)}/readyz`)).status).toBe(200);
    const ok = await c.upload(
      media,
      await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } })
        .png()
        .toBuffer(),
    );
    expect(ok.status).toBe(201);
  });
});
