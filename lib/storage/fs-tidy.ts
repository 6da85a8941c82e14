import { readdir, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Removes `dir` and then each parent that is left empty, stopping below
 * `root`. S3 has no empty "folders", so neither should the filesystem store:
 * without this, every refused upload left an empty `photos/<id>/` behind. A
 * directory that is not empty, or already gone, simply ends the walk.
 */
export async function pruneEmptyDirs(root: string, dir: string): Promise<void> {
  for (let current = dir; isBelow(root, current); current = path.dirname(current)) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
  }
}

/** What one startup sweep removed. */
export interface TidyResult {
  tempFiles: number;
  emptyDirs: number;
}

/** Temp files are named `.<object>.<random>.tmp` by the store's atomic writes. */
const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

/**
 * Deletes temp files last modified more than `staleMs` ago, which only a
 * process killed mid-write leaves behind, and the directories that leaves
 * empty. A write in progress touches its file with every chunk, so age since
 * the last change tells an orphan from a slow upload.
 */
export async function sweepStaleTemp(root: string, staleMs: number, now = Date.now()): Promise<TidyResult> {
  const result: TidyResult = { tempFiles: 0, emptyDirs: 0 };
  await walk(root, root, staleMs, now, result);
  return result;
}

async function walk(root: string, dir: string, staleMs: number, now: number, result: TidyResult) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await walk(root, full, staleMs, now, result);
      continue;
    }
    if (!entry.isFile() || !TEMP_FILE.test(entry.name)) continue;
    const info = await stat(full).catch(() => undefined);
    if (
      info &&
      now - info.mtimeMs > staleMs &&
      (await unlink(full).then(
        () => true,
        () => false,
      ))
    )
      result.tempFiles++;
  }
  if (
    dir !== root &&
    (await rmdir(dir).then(
      () => true,
      () => false,
    ))
  )
    result.emptyDirs++;
}

const isBelow = (root: string, dir: string): boolean => {
  const relative = path.relative(root, dir);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
};
