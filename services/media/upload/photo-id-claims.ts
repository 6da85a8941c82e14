import { HttpError } from '../../../lib/errors.js';
import { photoKeys } from '../../../lib/photos/keys.js';
import type { Storage } from '../../../lib/storage/storage.js';

const photoExists = (id: string) =>
  new HttpError(409, 'photo_exists', `photo ${id} already exists; an upload never replaces a photo`);

/**
 * Guards ids chosen by the site (a token's `photo_id`): an id that already
 * has a photo, or an upload in progress in this pod, is refused with 409
 * before a byte is stored, so a token used twice can never replace a
 * photo. The check and the write are not one atomic step across pods: two
 * uploads with one token racing on two pods can both pass it. Only the
 * token's holder can do that, to a photo not yet stored.
 */
export function photoIdClaims(storage: Storage) {
  const inProgress = new Set<string>();
  /** Claims `id` for one upload; the returned function gives it back, whatever the upload's outcome. */
  return async (id: string): Promise<() => void> => {
    if (inProgress.has(id)) throw photoExists(id);
    inProgress.add(id);
    const release = () => void inProgress.delete(id);
    try {
      const keys = photoKeys(id);
      const stored = await Promise.all([storage.head(keys.manifest), storage.head(keys.original)]);
      if (stored.some(Boolean)) throw photoExists(id);
    } catch (err) {
      release();
      throw err;
    }
    return release;
  };
}
