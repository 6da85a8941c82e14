import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Storage } from '../../../lib/storage/storage.js';

/** A downloaded original on local disk; `dispose` removes it. */
export interface LocalOriginal {
  path: string;
  dispose: () => Promise<void>;
}

const PREFIX = 'enlarger-';
// The original, and the PNG a HEIC is decoded to beside it (heif-decode.ts).
const DOWNLOAD = /^enlarger-[0-9a-f]{16}(\.png)?$/;

/**
 * Deletes downloads older than `staleMs` from `tmpDir`: a converter killed
 * mid-task never disposes of its file. The age keeps it off the live files of
 * other converters sharing the directory; no conversion takes that long.
 * Returns how many it removed.
 */
export async function sweepStaleOriginals(
  tmpDir: string,
  staleMs: number,
  now = Date.now(),
): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tmpDir).catch(() => [])) {
    if (!DOWNLOAD.test(name)) continue;
    const file = path.join(tmpDir, name);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile() || now - info.mtimeMs <= staleMs) continue;
    await rm(file, { force: true });
    removed++;
  }
  return removed;
}

/**
 * Streams the original to a temp file. libvips then reads it from disk with
 * random access instead of from a buffer holding the whole upload, which
 * keeps the converter's memory flat for originals of hundreds of MB.
 */
export async function fetchOriginal(storage: Storage, key: string, tmpDir: string): Promise<LocalOriginal> {
  const file = path.join(tmpDir, `${PREFIX}${randomBytes(8).toString('hex')}`);
  const dispose = () => rm(file, { force: true });
  try {
    await pipeline(await storage.get(key), createWriteStream(file));
  } catch (err) {
    await dispose();
    throw err;
  }
  return { path: file, dispose };
}
