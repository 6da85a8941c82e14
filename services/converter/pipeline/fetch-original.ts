import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Storage } from '../../../lib/storage/storage.js';

/** A downloaded original on local disk; `dispose` removes it. */
export interface LocalOriginal {
  path: string;
  dispose: () => Promise<void>;
}

/**
 * Streams the original to a temp file. libvips then reads it from disk with
 * random access instead of from a buffer holding the whole upload, which
 * keeps the converter's memory flat for originals of hundreds of MB.
 */
export async function fetchOriginal(storage: Storage, key: string, tmpDir: string): Promise<LocalOriginal> {
  const file = path.join(tmpDir, `enlarger-${randomBytes(8).toString('hex')}`);
  const dispose = () => rm(file, { force: true });
  try {
    await pipeline(await storage.get(key), createWriteStream(file));
  } catch (err) {
    await dispose();
    throw err;
  }
  return { path: file, dispose };
}
