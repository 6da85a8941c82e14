import { DeleteBucketCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { newPhotoId, photoKeys } from '../../lib/photos/keys.js';
import type { Conversion, PhotoManifest } from '../../lib/photos/manifest.js';
import { S3Storage } from '../../lib/storage/s3-storage.js';
import type { Storage } from '../../lib/storage/storage.js';
import { testEnv, uniqueName } from '../support/env.js';

/**
 * A test picture that shows which way is up and whether colour survived:
 * red top half, blue bottom half, and a green square in the top-left corner.
 */
export async function uprightPicture(width: number, height: number): Promise<Buffer> {
  const half = Math.round(height / 2);
  const square = Math.max(4, Math.round(Math.min(width, height) / 5));
  const block = (w: number, h: number, r: number, g: number, b: number) =>
    sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b } } })
      .png()
      .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .composite([
      { input: await block(width, height - half, 30, 30, 200), left: 0, top: half },
      { input: await block(square, square, 30, 200, 30), left: 0, top: 0 },
    ])
    .png()
    .toBuffer();
}

export interface SeedOptions {
  width: number;
  height: number;
  photographer?: string;
  /** Long edge of the master; none stores no master. */
  masterWidth?: number;
  /** Widths of stored sizes. */
  sizes?: number[];
  /** Store the original with its pixels turned and EXIF orientation 6, as phones do. */
  exifRotated?: boolean;
  /** Store the original as a CMYK JPEG. */
  cmyk?: boolean;
  /** Store the original as PNG with a transparent corner. */
  alpha?: boolean;
  /** Replace the original's bytes (hostile files). */
  originalBytes?: Buffer;
}

/**
 * Writes a photo the way the converter leaves one: original, master, sizes
 * and manifest. Pictures come from sharp, so no converter is needed.
 */
export async function seedPhoto(storage: Storage, options: SeedOptions): Promise<PhotoManifest> {
  const id = newPhotoId();
  const keys = photoKeys(id);
  const picture = await uprightPicture(options.width, options.height);

  let original: Buffer;
  if (options.originalBytes) original = options.originalBytes;
  else if (options.exifRotated) {
    // Orientation 6 means "turn 90° clockwise to view": store the picture turned the other way.
    original = await sharp(picture).rotate(270).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  } else if (options.cmyk) original = await sharp(picture).toColourspace('cmyk').jpeg().toBuffer();
  else if (options.alpha) original = await sharp(picture).ensureAlpha(0.5).png().toBuffer();
  else original = await sharp(picture).jpeg({ quality: 92 }).toBuffer();
  await storage.put(keys.original, original);

  const rendition = async (width: number, key: string) => {
    const { data, info } = await sharp(picture)
      .resize({ width })
      .jpeg()
      .toBuffer({ resolveWithObject: true });
    await storage.put(key, data, { contentType: 'image/jpeg' });
    return { key, format: 'jpeg' as const, width: info.width, height: info.height, bytes: data.length };
  };
  const master = options.masterWidth ? await rendition(options.masterWidth, keys.master('jpeg')) : undefined;
  const conversions: Conversion[] = [];
  for (const width of options.sizes ?? []) {
    conversions.push({ name: `w${width}`, ...(await rendition(width, keys.size(`w${width}`, 'jpeg'))) });
  }

  const now = new Date().toISOString();
  const manifest: PhotoManifest = {
    id,
    status: 'ready',
    ...(options.photographer && { photographer: options.photographer }),
    createdAt: now,
    updatedAt: now,
    original: {
      format: options.alpha ? 'png' : 'jpeg',
      width: options.width,
      height: options.height,
      bytes: original.length,
      hasAlpha: options.alpha ?? false,
    },
    ...(master && { master }),
    conversions,
  };
  await storage.put(keys.manifest, JSON.stringify(manifest), { contentType: 'application/json' });
  return manifest;
}

/** Mean of each channel over a region of an encoded image. */
export async function regionMeans(
  image: Buffer,
  region: { left: number; top: number; width: number; height: number },
): Promise<[r: number, g: number, b: number]> {
  // stats() reads the pipeline's input, so the region is cut out first.
  const cut = await sharp(image).extract(region).png().toBuffer();
  const [r, g, b] = (await sharp(cut).stats()).channels.map((c) => Math.round(c.mean));
  return [r ?? 0, g ?? 0, b ?? 0];
}

/** A fresh bucket on the real S3 server, and a cleanup that empties and removes it. */
export async function testBucket(): Promise<{ storage: S3Storage; cleanup: () => Promise<void> }> {
  const env = testEnv();
  const storage = new S3Storage({
    bucket: uniqueName('resizer'),
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
  });
  await storage.ensureBucket();
  return {
    storage,
    async cleanup() {
      for await (const object of storage.list('')) await storage.delete(object.key);
      await storage.client.send(new DeleteBucketCommand({ Bucket: storage.bucket }));
      storage.destroy();
    },
  };
}
