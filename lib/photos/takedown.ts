import { z } from 'zod';
import { ObjectNotFoundError, type Storage } from '../storage/storage.js';
import { photoKeys } from './keys.js';
import type { PhotoManifest } from './manifest.js';
import { writeManifest } from './records.js';

/**
 * What is kept of a deleted photo: its id, when, and the site's `owner` of
 * it (opaque, the site's own account id), so that a DELETE retried after a
 * failure is authorised and announced as the first one was. No photographer,
 * no file name, no pixel.
 */
export const tombstone = z.object({
  id: z.string(),
  deletedAt: z.iso.datetime({ offset: true }),
  owner: z.string().optional(),
});
export type Tombstone = z.infer<typeof tombstone>;

/** A write lost a race with a takedown: the photo is deleted, and what was written has been removed again. */
export class PhotoDeletedError extends Error {
  constructor(readonly photoId: string) {
    super(`photo ${photoId} was deleted`);
    this.name = 'PhotoDeletedError';
  }
}

/** The photo's tombstone, or undefined when it was never deleted. */
export async function readTombstone(storage: Storage, id: string): Promise<Tombstone | undefined> {
  try {
    return tombstone.parse(JSON.parse((await storage.getBuffer(photoKeys(id).tombstone)).toString('utf8')));
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

/** Records that `record.id` is deleted; checked by the schema reads use, like every record. */
export async function writeTombstone(storage: Storage, record: Tombstone): Promise<Tombstone> {
  const checked = tombstone.parse(record);
  await storage.put(photoKeys(record.id).tombstone, JSON.stringify(checked), {
    contentType: 'application/json',
  });
  return checked;
}

/**
 * Removes every object of a photo: the manifest first, so every reader
 * (resizer, status, dev page) sees it gone at once, then the original, the
 * master and every size, then its pending marker. Any storage failure
 * rejects; the caller retries (the tombstone, written before, keeps the
 * half-deleted photo from being served by the converter or brought back).
 */
export async function removePhotoObjects(storage: Storage, id: string): Promise<void> {
  const keys = photoKeys(id);
  await storage.delete(keys.manifest);
  for await (const object of storage.list(keys.prefix)) await storage.delete(object.key);
  await storage.delete(keys.pending);
}

/**
 * Writes a manifest, unless the photo has been deleted meanwhile. The write
 * comes first and the tombstone is read after it, while a takedown writes
 * its tombstone first and removes objects after it: whichever runs second
 * sees the other's write, so a conversion or a PATCH racing a DELETE can
 * never leave a manifest behind. Having lost, it removes what it wrote and
 * throws {@link PhotoDeletedError}.
 */
export async function writeManifestUnlessDeleted(
  storage: Storage,
  manifest: PhotoManifest,
): Promise<PhotoManifest> {
  const written = await writeManifest(storage, manifest);
  if (!(await readTombstone(storage, manifest.id))) return written;
  await removePhotoObjects(storage, manifest.id);
  throw new PhotoDeletedError(manifest.id);
}
