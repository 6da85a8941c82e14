import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { heicFixtures, type HeicFixture } from '../support/heif.js';
import { meanColour } from '../support/photos.js';
import { gainMapOf, ultraHdrJpeg } from '../support/ultrahdr.js';
import { startResizer, type RunningResizer } from './resizer-server.js';

/** Within `tolerance` of `want` on every channel. */
const near = (got: number[], want: readonly number[], tolerance: number) =>
  got.every((v, k) => Math.abs(v - want[k]!) < tolerance);

/**
 * The phone formats from upload to render on the real RabbitMQ and S3
 * server: media reads the HEIC header, the converter decodes it with libheif
 * into the master and sizes, and the resizer renders from those; an Ultra HDR
 * JPEG keeps its gain map through all three.
 */
describe('HEIC and Ultra HDR: upload → ready → render on RabbitMQ and S3', () => {
  const c = new Constellation();
  let media: string;
  let resizer: RunningResizer;

  beforeAll(async () => {
    await c.createBucket();
    media = await c.startMedia();
    await c.startConverter();
    resizer = await startResizer(c.storage);
  });
  afterAll(async () => {
    await resizer?.stop();
    await c.dispose();
  });

  async function uploaded(data: Buffer): Promise<PhotoStatus> {
    const res = await c.upload(media, data);
    expect(res.status, await res.clone().text()).toBe(201);
    return c.settled(media, ((await res.json()) as PhotoStatus).id);
  }

  async function render(id: string, query: string) {
    const res = await fetch(resizer.url(`/v1/photos/${id}?${query}`));
    expect(res.status, query).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    return { body, meta: await sharp(body).metadata() };
  }

  /** Top-left marker of the rotated and grid photos, or the whole flat Display P3 one. */
  const looksRight = async (f: HeicFixture, image: Buffer, width: number, height: number) => {
    const region = f.marker
      ? { left: 2, top: 2, width: Math.floor(width / 4) - 4, height: Math.floor(height / 4) - 4 }
      : undefined;
    return near(await meanColour(image, region), (f.marker ?? f.colour)!, 15);
  };

  it('converts a rotated, a Display P3 and a tiled HEIC and renders each upright', async () => {
    const fixtures = await heicFixtures();
    const photos = await Promise.all(fixtures.map((f) => uploaded(f.data)));
    for (const [i, f] of fixtures.entries()) {
      const photo = photos[i]!;
      expect([f.name, photo.status, photo.error, photo.original.format]).toEqual([
        f.name,
        'ready',
        undefined,
        'heic',
      ]);
      expect([f.name, photo.master!.width, photo.master!.height]).toEqual([f.name, f.width, f.height]);
      const master = await c.storage.getBuffer(photo.master!.key);
      expect([f.name, await looksRight(f, master, f.width, f.height)]).toEqual([f.name, true]);

      const width = 160;
      const height = Math.round((width * f.height) / f.width);
      const { body, meta } = await render(photo.id, `w=${width}&fmt=jpeg`);
      expect([f.name, meta.format, meta.width, meta.height]).toEqual([f.name, 'jpeg', width, height]);
      expect([f.name, await looksRight(f, body, width, height)]).toEqual([f.name, true]);
    }
  });

  it('keeps an Ultra HDR gain map from upload to a rendered JPEG', async () => {
    const original = await ultraHdrJpeg(2400, 1600);
    const source = (await gainMapOf(original))!;
    const photo = await uploaded(original);
    expect(photo.status).toBe('ready');
    const master = await gainMapOf(await c.storage.getBuffer(photo.master!.key));
    expect(master).toMatchObject({ mpf: true, isoVersion: true, isoMetadata: source.isoMetadata });
    const { body, meta } = await render(photo.id, 'w=800&fmt=jpeg');
    expect([meta.width, meta.height]).toEqual([800, 533]);
    const rendered = (await gainMapOf(body))!;
    expect(rendered).toMatchObject({ mpf: true, isoVersion: true, isoMetadata: source.isoMetadata });
    expect(rendered.rightMean - rendered.leftMean).toBeGreaterThan(10);
    expect(await gainMapOf((await render(photo.id, 'w=800&fmt=webp')).body)).toBeUndefined();
  });
});
