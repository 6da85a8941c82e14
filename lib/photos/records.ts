import { ZodError } from 'zod';
import { ObjectNotFoundError, type Storage } from '../storage/storage.js';
import { photoKeys } from './keys.js';
import { photoManifest, type PhotoManifest } from './manifest.js';

/**
 * A manifest that is there but cannot be read: not JSON, or not the schema's
 * shape (written by an older version, or damaged). No retry will change it,
 * and no valid record can be written over it without the facts it lost, so
 * the photo counts as `failed` wherever it is read.
 */
export class ManifestUnreadableError extends Error {
  constructor(
    readonly photoId: string,
    cause: SyntaxError | ZodError,
  ) {
    super(`the record of photo ${photoId} cannot be read: ${reasonOf(cause)}`, { cause });
    this.name = 'ManifestUnreadableError';
  }
}

/** Reads a photo's manifest, or undefined when the photo does not exist; throws {@link ManifestUnreadableError}. */
export async function readManifest(storage: Storage, id: string): Promise<PhotoManifest | undefined> {
  let body: Buffer;
  try {
    body = await storage.getBuffer(photoKeys(id).manifest);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
  try {
    return photoManifest.parse(JSON.parse(body.toString('utf8')));
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof ZodError) throw new ManifestUnreadableError(id, err);
    throw err;
  }
}

/**
 * Writes a photo's manifest, stamping `updatedAt`. It is checked by the same
 * schema every read uses first: a record that could not be read back is
 * never written.
 */
export async function writeManifest(storage: Storage, manifest: PhotoManifest): Promise<PhotoManifest> {
  const updated = { ...manifest, updatedAt: new Date().toISOString() };
  const checked = photoManifest.safeParse(updated);
  if (!checked.success) {
    throw new Error(
      `refusing to write an unreadable record for photo ${manifest.id}: ${reasonOf(checked.error)}`,
    );
  }
  await storage.put(photoKeys(manifest.id).manifest, JSON.stringify(updated), {
    contentType: 'application/json',
  });
  return updated;
}

/** Marks a photo as waiting for conversion (again); the marker's mtime is when. */
export async function markPending(storage: Storage, id: string): Promise<void> {
  await storage.put(photoKeys(id).pending, '', { contentType: 'text/plain' });
}

/** The photo no longer needs the sweep: it is ready or failed. */
export async function clearPending(storage: Storage, id: string): Promise<void> {
  await storage.delete(photoKeys(id).pending);
}

function reasonOf(err: SyntaxError | ZodError): string {
  if (err instanceof SyntaxError) return `not JSON (${err.message})`;
  return err.issues.map((i) => `${i.path.join('.') || 'record'} ${i.message}`).join('; ');
}
