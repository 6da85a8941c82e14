import { notFound } from '../../../lib/errors.js';
import type { PhotoManifest } from '../../../lib/photos/manifest.js';
import { ManifestUnreadableError, readManifest } from '../../../lib/photos/records.js';
import { readTombstone, type Tombstone } from '../../../lib/photos/takedown.js';
import type { Storage } from '../../../lib/storage/storage.js';

/** What storage holds of a photo for a change to it: its record (unless unreadable) and its tombstone. */
export interface PhotoRecord {
  manifest?: PhotoManifest;
  /** The manifest is there but cannot be read: only an admin may act on it, its owner being unknown. */
  unreadable: boolean;
  tombstone?: Tombstone;
}

/** Reads both; a photo with neither a manifest nor a tombstone is 404. */
export async function readPhotoRecord(storage: Storage, id: string): Promise<PhotoRecord> {
  const [manifest, tombstone] = await Promise.all([
    readManifest(storage, id).catch((err: unknown) => {
      if (err instanceof ManifestUnreadableError) return 'unreadable' as const;
      throw err;
    }),
    readTombstone(storage, id),
  ]);
  if (manifest === undefined && !tombstone) throw notFound('photo_not_found', 'no such photo');
  return {
    ...(manifest !== 'unreadable' && manifest && { manifest }),
    unreadable: manifest === 'unreadable',
    ...(tombstone && { tombstone }),
  };
}
