import { randomBytes } from 'node:crypto';
import { FORMATS, type ImageFormat } from './formats.js';

/**
 * Photo ids are 22 characters of base64url from 128 random bits: opaque,
 * unguessable, and safe in keys and URLs. Anything else is refused before it
 * gets near storage, which is what rules out path traversal.
 */
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export const newPhotoId = (): string => randomBytes(16).toString('base64url');

export const isPhotoId = (value: string): boolean => ID_PATTERN.test(value);

/**
 * The CDN cache tag of every resizer answer about photo `id`
 * (`Surrogate-Key`, `Cache-Tag`); a purge hook purges it on `photo.deleted`
 * and `photo.updated`. Prefixed so it cannot collide with the site's own tags.
 */
export const cacheTag = (id: string): string => `photo-${id}`;

/**
 * One empty marker per photo still being converted, written at upload and
 * removed when it is ready or failed. The sweep lists only this prefix, so it
 * costs the backlog, not the whole library; the marker's mtime is when the
 * task was last published.
 */
export const PENDING_PREFIX = 'pending/';

/**
 * One small record per deleted photo, outside `photos/` so that removing the
 * photo's objects leaves it. Ids are never reused, so it is kept for good:
 * it is what stops a retry, the sweep, a dead letter replayed or a
 * conversion in flight from bringing the photo back (lib/photos/takedown.ts).
 */
export const TOMBSTONE_PREFIX = 'deleted/';

export const photoKeys = (id: string) => {
  if (!isPhotoId(id)) throw new Error(`not a photo id: ${JSON.stringify(id)}`);
  const base = `photos/${id}`;
  return {
    prefix: `${base}/`,
    original: `${base}/original`,
    manifest: `${base}/manifest.json`,
    pending: `${PENDING_PREFIX}${id}`,
    tombstone: `${TOMBSTONE_PREFIX}${id}`,
    master: (format: ImageFormat) => `${base}/master.${FORMATS[format].extension}`,
    size: (name: string, format: ImageFormat) => `${base}/sizes/${name}.${FORMATS[format].extension}`,
  };
};
