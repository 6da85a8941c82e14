import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStorage } from '../../test/support/conformance/storage.js';
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

async function listed(prefix: string): Promise<ObjectInfo[]> {
  const infos: ObjectInfo[] = [];
  for await (const info of storage.list(prefix)) infos.push(info);
  return infos;
}

const keysOf = async (prefix: string) => (await listed(prefix)).map((info) => info.key);

describeStorage('filesystem', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'enlarger-fs-conformance-'));
  return { storage: new FsStorage(root), dispose: () => rm(root, { recursive: true, force: true }) };
});

// What only the filesystem store has: its files on disk, its key rules and folder pruning.
describe('FsStorage', () => {
  it('rejects reads of "directories" with ObjectNotFoundError', async () => {
    await storage.put('dir/file', 'x');
    await expect(storage.get('dir')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.get('dir/file/deeper')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('overwrites in place, content type included, and leaves no temp or stray files', async () => {
    await storage.put('k', 'first', { contentType: 'text/plain' });
    await storage.put('k', 'second');
    expect((await storage.head('k'))?.contentType).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['.k.meta.json', 'k']);
  });

  it('leaves neither temp file nor folder when the source stream fails', async () => {
    async function* failing() {
      yield await Promise.resolve(Buffer.from('partial'));
      throw new Error('upload aborted');
    }
    await expect(storage.put('broken/k', Readable.from(failing()))).rejects.toThrow('upload aborted');
    // Not even the folder: S3 has no empty prefixes either.
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the metadata file and the emptied folder with the object', async () => {
    await storage.put('d/k', 'x', { metadata: { a: 'b' } });
    await storage.delete('d/k');
    expect(await readdir(dir)).toEqual([]);
  });

  it('lists no dot files: its own metadata or what someone else dropped in', async () => {
    for (const key of ['a/c', 'a/b']) await storage.put(key, key, { metadata: { k: key } });
    await writeFile(path.join(dir, 'a', '.DS_Store'), '');
    expect(await keysOf('')).toEqual(['a/b', 'a/c']);
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
