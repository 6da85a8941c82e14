import sharp from 'sharp';
import { newPhotoId, photoKeys } from '../../lib/photos/keys.js';
import type { ImageFormat, PhotoManifest, PhotoStatus } from '../../lib/photos/manifest.js';
import { writeManifest } from '../../lib/photos/records.js';
import type { Storage } from '../../lib/storage/storage.js';

export interface StoreOriginalOptions {
  /** `processing` is what media leaves for a converter; `ready` with no copies, a converter that fell behind. */
  status?: Extract<PhotoStatus, 'processing' | 'ready'>;
  format?: ImageFormat;
  photographer?: string;
}

/**
 * Stores `bytes` as a new photo's original with its manifest and no copies,
 * the way media records an upload: size and alpha read from the file itself
 * (with no pixel limit, so bombs can be stored too).
 */
export async function storeOriginal(
  storage: Storage,
  bytes: Buffer,
  { status = 'processing', format = 'jpeg', photographer }: StoreOriginalOptions = {},
): Promise<PhotoManifest> {
  const id = newPhotoId();
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  await storage.put(photoKeys(id).original, bytes);
  const now = new Date().toISOString();
  return writeManifest(storage, {
    id,
    status,
    ...(photographer === undefined ? {} : { photographer }),
    createdAt: now,
    updatedAt: now,
    original: {
      format,
      width: meta.width,
      height: meta.height,
      bytes: bytes.length,
      hasAlpha: meta.hasAlpha,
    },
    conversions: [],
  });
}
