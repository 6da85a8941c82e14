import { ObjectNotFoundError, type Storage } from '../storage/storage.js';
import { photoKeys } from './keys.js';
import { photoManifest, type PhotoManifest } from './manifest.js';

/** Reads a photo's manifest, or undefined when the photo does not exist. */
export async function readManifest(storage: Storage, id: string): Promise<PhotoManifest | undefined> {
  try {
    const body = await storage.getBuffer(photoKeys(id).manifest);
    return photoManifest.parse(JSON.parse(body.toString('utf8')));
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

/** Writes a photo's manifest, stamping `updatedAt`. */
export async function writeManifest(storage: Storage, manifest: PhotoManifest): Promise<PhotoManifest> {
  const updated = { ...manifest, updatedAt: new Date().toISOString() };
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
