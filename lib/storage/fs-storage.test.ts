import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsStorage } from './fs-storage.js';
import { InvalidKeyError } from './keys.js';
import { ObjectNotFoundError, StorageUnavailableError, type ObjectInfo } from './storage.js';

let dir: string;
let storage: FsStorage;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'enlarger-fs-storage-'));
  storage = new FsStorage(dir);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const md5 = (data: string) => createHash('md5').update(data).digest('hex');

async function listed(prefix: string): Promise<ObjectInfo[]> {
  const infos: ObjectInfo[] = [];
  for await (const info of storage.list(prefix)) infos.push(info);
  return infos;
}

const keysOf = async (prefix: string) => (await listed(prefix)).map((info) => info.key);

describe('FsStorage', () => {
  it('round-trips a buffer, a string and a stream with size and MD5 etag', async () => {
    const info = await storage.put('a/buffer.bin', Buffer.from('hello'));
    expect(info).toMatchObject({ key: 'a/buffer.bin', size: 5, etag: md5('hello') });
    expect(info.lastModified).toBeInstanceOf(Date);

    await storage.put('a/string.txt', 'héllo');
    expect((await storage.getBuffer('a/string.txt')).toString()).toBe('héllo');

    const streamed = await storage.put('a/stream.txt', Readable.from(['one ', 'two ', 'three']));
    expect(streamed.size).toBe(13);
    expect(await text(await storage.get('a/stream.txt'))).toBe('one two three');
  });

  it('keeps content type and metadata for head, and reports missing keys as undefined', async () => {
    await storage.put('p/1.jpg', 'x', { contentType: 'image/jpeg', metadata: { owner: 'ann' } });
    expect(await storage.head('p/1.jpg')).toMatchObject({
      key: 'p/1.jpg',
      size: 1,
      contentType: 'image/jpeg',
      metadata: { owner: 'ann' },
      etag: md5('x'),
    });
    expect(await storage.head('p/2.jpg')).toBeUndefined();
    expect(await storage.head('p')).toBeUndefined();
  });

  it('rejects reads of missing keys, and of "directories", with ObjectNotFoundError', async () => {
    await storage.put('dir/file', 'x');
    await expect(storage.get('missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.get('dir')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.get('dir/file/deeper')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.getBuffer('missing')).rejects.toMatchObject({
      name: 'ObjectNotFoundError',
      key: 'missing',
    });
  });

  it('overwrites in place and leaves no temp or stray files', async () => {
    await storage.put('k', 'first', { contentType: 'text/plain' });
    await storage.put('k', 'second');
    expect((await storage.getBuffer('k')).toString()).toBe('second');
    expect((await storage.head('k'))?.contentType).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['.k.meta.json', 'k']);
  });

  it('leaves neither object nor temp file when the source stream fails', async () => {
    async function* failing() {
      yield await Promise.resolve(Buffer.from('partial'));
      throw new Error('upload aborted');
    }
    await expect(storage.put('broken/k', Readable.from(failing()))).rejects.toThrow('upload aborted');
    expect(await storage.head('broken/k')).toBeUndefined();
    // Not even the folder: S3 has no empty prefixes either.
    expect(await readdir(dir)).toEqual([]);
  });

  it('deletes object and metadata, and deleting a missing key succeeds', async () => {
    await storage.put('d/k', 'x', { metadata: { a: 'b' } });
    await storage.delete('d/k');
    expect(await storage.head('d/k')).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
    await expect(storage.delete('d/k')).resolves.toBeUndefined();
  });

  it('lists keys under a prefix in byte order, skipping its own dot files', async () => {
    for (const key of ['a/c', 'a-b', 'a/b/z', 'b', 'ab', 'a/b2']) await storage.put(key, key);
    // Hidden files someone else dropped in are not objects.
    await writeFile(path.join(dir, 'a', '.DS_Store'), '');
    expect(await keysOf('')).toEqual(['a-b', 'a/b/z', 'a/b2', 'a/c', 'ab', 'b']);
    expect(await keysOf('a/')).toEqual(['a/b/z', 'a/b2', 'a/c']);
    expect(await keysOf('a/b')).toEqual(['a/b/z', 'a/b2']);
    expect(await keysOf('a')).toEqual(['a-b', 'a/b/z', 'a/b2', 'a/c', 'ab']);
    expect(await keysOf('nothing/')).toEqual([]);
    const [first] = await listed('a-b');
    expect(first).toMatchObject({ key: 'a-b', size: 3, etag: md5('a-b') });
  });

  it('rejects keys that could escape the root or mean different things on S3', async () => {
    for (const key of [
      '',
      '/etc/passwd',
      '../x',
      'a/../../x',
      'a/./b',
      'a//b',
      'a/',
      'nul\0byte',
      'a\\b',
      '.hidden',
    ]) {
      await expect(storage.put(key, 'x'), key).rejects.toBeInstanceOf(InvalidKeyError);
    }
    await expect(storage.get('../secret')).rejects.toThrow(/invalid storage key "..\/secret"/);
    expect(() => storage.list('../')).not.toThrow(); // generators validate on first pull
    await expect(keysOf('../')).rejects.toBeInstanceOf(InvalidKeyError);
  });

  it('refuses a key that is a "directory" of other keys, and keys below an existing key', async () => {
    await storage.put('x/y', '1');
    await expect(storage.put('x', '2')).rejects.toThrow('cannot store x: keys under x/ exist');
    await expect(storage.put('x/y/z', '3')).rejects.toThrow('cannot store x/y/z: a prefix of it is a key');
    expect(await keysOf('')).toEqual(['x/y']);
  });

  // Issue 31: one conversion's clearPending prunes the empty pending/ folder
  // while an upload marks another photo pending; mkdir's ENOENT lost the upload.
  it('stores a key while other deletes keep pruning its folder', async () => {
    let churning = true;
    const churn = (async () => {
      for (let i = 0; churning; i++) {
        await storage.put(`pending/churn-${i % 4}`, '');
        await storage.delete(`pending/churn-${i % 4}`);
      }
    })();
    const results = await Promise.allSettled(
      Array.from({ length: 1500 }, async (_, i) => {
        await storage.put(`pending/photo-${i}`, '');
        await storage.delete(`pending/photo-${i}`);
      }),
    );
    churning = false;
    await churn;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await keysOf('pending/')).toEqual([]);
  });

  it('pings a usable directory, creating it, and fails with StorageUnavailableError otherwise', async () => {
    await new FsStorage(path.join(dir, 'new', 'root')).ping();
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'sub', 'file'), '');
    await expect(new FsStorage(path.join(dir, 'sub', 'file', 'root')).ping()).rejects.toBeInstanceOf(
      StorageUnavailableError,
    );
  });
});
