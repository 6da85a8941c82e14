import type { Request, Response } from 'express';
import { notFound } from '../../lib/errors.js';
import { isPhotoId } from '../../lib/photos/keys.js';
import { readManifest } from '../../lib/photos/records.js';
import type { Storage } from '../../lib/storage/storage.js';

/**
 * `GET /v1/photos/{id}`: status and conversions. A malformed id is simply not
 * found; it never reaches storage, which is what rules out path traversal.
 */
export function statusHandler(storage: Storage) {
  return async (req: Request<{ id: string }>, res: Response): Promise<void> => {
    const { id } = req.params;
    const manifest = isPhotoId(id) ? await readManifest(storage, id) : undefined;
    if (!manifest) throw notFound('photo_not_found', 'no such photo');
    const { status, photographer, createdAt, updatedAt, original, master, conversions, error } = manifest;
    const { format, width, height, bytes } = original;
    res.json({
      id,
      status,
      photographer,
      createdAt,
      updatedAt,
      original: { format, width, height, bytes },
      master,
      conversions,
      error,
    });
  };
}
