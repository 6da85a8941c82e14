import type { Request, Response } from 'express';
import { notFound } from '../../lib/errors.js';
import { isPhotoId } from '../../lib/photos/keys.js';
import type { PhotoManifest } from '../../lib/photos/manifest.js';
import { ManifestUnreadableError, readManifest } from '../../lib/photos/records.js';
import type { Storage } from '../../lib/storage/storage.js';

/** A photo as the API shows it: the manifest without storage internals (`hasAlpha`). */
export function photoStatusBody(manifest: PhotoManifest) {
  const { id, status, photographer, owner, createdAt, updatedAt, original, master, conversions, error } =
    manifest;
  const { format, width, height, bytes } = original;
  return {
    id,
    status,
    photographer,
    owner,
    createdAt,
    updatedAt,
    original: { format, width, height, bytes },
    master,
    conversions,
    error,
  };
}

/**
 * `GET /v1/photos/{id}`: status and conversions; a record that cannot be read
 * is shown as `failed` with the reason, and nothing else. A malformed id is simply not
 * found; it never reaches storage, which is what rules out path traversal.
 */
export function statusHandler(storage: Storage) {
  return async (req: Request<{ id: string }>, res: Response): Promise<void> => {
    const { id } = req.params;
    let manifest: PhotoManifest | undefined;
    try {
      manifest = isPhotoId(id) ? await readManifest(storage, id) : undefined;
    } catch (err) {
      // The photo exists and will never convert: say so, as for any failed photo.
      if (!(err instanceof ManifestUnreadableError)) throw err;
      res.json({ id, status: 'failed', error: err.message });
      return;
    }
    if (!manifest) throw notFound('photo_not_found', 'no such photo');
    res.json(photoStatusBody(manifest));
  };
}
