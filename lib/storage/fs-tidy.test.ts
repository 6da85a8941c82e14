import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsStorage } from './fs-storage.js';
import { sweepStaleTemp } from './fs-tidy.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'enlarger-fs-tidy-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Every path under `dir`, directories with a trailing slash. */
async function tree(at = dir, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(at, { withFileTypes: true })) {
    if (e.isDirectory())
      out.push(`${prefix}${e.name}/`, ...(await tree(path.join(at, e.name), `${prefix}${e.name}/`)));
    else out.push(prefix + e.name);
  }
  return out.sort();
}

describe('FsStorage leaves no empty folders', () => {
  it('when a streamed put fails', async () => {
    const storage = new FsStorage(dir);
    await storage.put('photos/keep/original', 'kept');
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1024));
        this.destroy(new Error('refused'));
      },
    });
    await expect(storage.put('photos/abc/original', failing)).rejects.toThrow('refused');
    expect(await tree()).toEqual([
      'photos/',
      'photos/keep/',
      'photos/keep/.original.meta.json',
      'photos/keep/original',
    ]);
  });

  it('when the last key under a prefix is deleted, up to the root', async () => {
    const storage = new FsStorage(dir);
    await storage.put('a/b/c', '1');
    await storage.put('a/d', '2');
    await storage.delete('a/b/c');
    expect(await tree()).toEqual(['a/', 'a/.d.meta.json', 'a/d']);
    await storage.delete('a/d');
    expect(await tree()).toEqual([]);
    await storage.put('a/b/c', 'again');
    expect(await storage.getBuffer('a/b/c')).toEqual(Buffer.from('again'));
  });
});

describe('sweepStaleTemp', () => {
  it('removes temp files untouched for longer than the limit and the folders they leave empty', async () => {
    await mkdir(path.join(dir, 'photos/crashed'), { recursive: true });
    await mkdir(path.join(dir, 'photos/live'), { recursive: true });
    await mkdir(path.join(dir, 'photos/empty'), { recursive: true });
    const stale = path.join(dir, 'photos/crashed/.original.0123456789ab.tmp');
    const fresh = path.join(dir, 'photos/live/.original.ba9876543210.tmp');
    await writeFile(stale, 'half an upload');
    await writeFile(fresh, 'being written');
    await writeFile(path.join(dir, 'photos/live/.notes.tmp'), 'not one of ours');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(stale, hourAgo, hourAgo);
    expect(await sweepStaleTemp(dir, 600_000)).toEqual({ tempFiles: 1, emptyDirs: 2 });
    expect(await tree()).toEqual([
      'photos/',
      'photos/live/',
      'photos/live/.notes.tmp',
      'photos/live/.original.ba9876543210.tmp',
    ]);
  });

  it('is a no-op on a data directory that does not exist yet', async () => {
    expect(await sweepStaleTemp(path.join(dir, 'missing'), 1)).toEqual({ tempFiles: 0, emptyDirs: 0 });
  });
});
