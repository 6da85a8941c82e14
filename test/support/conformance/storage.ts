import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectNotFoundError, type ObjectInfo, type Storage } from '../../../lib/storage/storage.js';

export interface StorageUnderTest {
  storage: Storage;
  /** Removes the backend's scratch space (a temp folder, a bucket). */
  dispose: () => Promise<void>;
}

/** Makes a fresh, empty store of the backend under test. */
export type StorageFactory = () => Promise<StorageUnderTest>;

const md5 = (data: string) => createHash('md5').update(data).digest('hex');

/**
 * The contract every {@link Storage} keeps, run against each backend:
 * `enlarger dev` stores on the filesystem what production stores on S3, so
 * both answer to the same cases. What only one backend has (the filesystem's
 * key rules and folder pruning, S3's multipart uploads and bucket errors)
 * stays in its own file.
 */
export function describeStorage(backend: string, factory: StorageFactory): void {
  describe(`Storage contract: ${backend}`, () => {
    let underTest: StorageUnderTest;
    let storage: Storage;
    beforeEach(async () => {
      underTest = await factory();
      storage = underTest.storage;
    });
    afterEach(() => underTest.dispose());

    const listed = async (prefix: string): Promise<ObjectInfo[]> => {
      const infos: ObjectInfo[] = [];
      for await (const info of storage.list(prefix)) infos.push(info);
      return infos;
    };
    const keysOf = async (prefix: string) => (await listed(prefix)).map((info) => info.key);

    it('round-trips a buffer, a string and a stream with their size and MD5 etag', async () => {
      const info = await storage.put('a/buffer.bin', Buffer.from('hello'));
      expect(info).toMatchObject({ key: 'a/buffer.bin', size: 5, etag: md5('hello') });

      await storage.put('a/string.txt', 'héllo');
      expect((await storage.getBuffer('a/string.txt')).toString()).toBe('héllo');

      const streamed = await storage.put(
        'a/stream.txt',
        Readable.from([Buffer.from('one two '), Buffer.from('three')]),
      );
      expect(streamed.size).toBe(13);
      expect(await text(await storage.get('a/stream.txt'))).toBe('one two three');
    });

    it('keeps the content type and metadata for head, which answers undefined for a missing key', async () => {
      await storage.put('p/1.jpg', 'x', { contentType: 'image/jpeg', metadata: { owner: 'ann' } });
      const head = await storage.head('p/1.jpg');
      expect(head).toMatchObject({
        key: 'p/1.jpg',
        size: 1,
        contentType: 'image/jpeg',
        metadata: { owner: 'ann' },
        etag: md5('x'),
      });
      expect(head?.lastModified).toBeInstanceOf(Date);
      expect(await storage.head('p/2.jpg')).toBeUndefined();
      // A prefix of keys is not a key.
      expect(await storage.head('p')).toBeUndefined();
    });

    it('rejects reads of a missing key with ObjectNotFoundError naming it', async () => {
      await expect(storage.get('missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(storage.getBuffer('missing')).rejects.toMatchObject({
        name: 'ObjectNotFoundError',
        key: 'missing',
      });
    });

    it('overwrites a key with the last body and metadata', async () => {
      await storage.put('k', 'first', { metadata: { v: '1' } });
      await storage.put('k', 'second', { metadata: { v: '2' } });
      expect((await storage.getBuffer('k')).toString()).toBe('second');
      expect(await storage.head('k')).toMatchObject({ size: 6, etag: md5('second'), metadata: { v: '2' } });
      expect(await keysOf('')).toEqual(['k']);
    });

    it('stores nothing when the source stream fails', async () => {
      async function* failing() {
        yield await Promise.resolve(Buffer.from('partial'));
        throw new Error('upload aborted');
      }
      await expect(storage.put('broken/k', Readable.from(failing()))).rejects.toThrow('upload aborted');
      expect(await storage.head('broken/k')).toBeUndefined();
      expect(await keysOf('')).toEqual([]);
    });

    it('deletes a key, and deleting a missing key succeeds', async () => {
      await storage.put('d/k', 'x', { metadata: { a: 'b' } });
      await storage.delete('d/k');
      expect(await storage.head('d/k')).toBeUndefined();
      await expect(storage.get('d/k')).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await keysOf('')).toEqual([]);
      await expect(storage.delete('d/k')).resolves.toBeUndefined();
    });

    it('lists every key under a prefix in byte order, with size and etag', async () => {
      for (const key of ['a/c', 'a-b', 'a/b/z', 'b', 'ab', 'a/b2']) await storage.put(key, key);
      expect(await keysOf('')).toEqual(['a-b', 'a/b/z', 'a/b2', 'a/c', 'ab', 'b']);
      expect(await keysOf('a/')).toEqual(['a/b/z', 'a/b2', 'a/c']);
      expect(await keysOf('a/b')).toEqual(['a/b/z', 'a/b2']);
      expect(await keysOf('a')).toEqual(['a-b', 'a/b/z', 'a/b2', 'a/c', 'ab']);
      expect(await keysOf('nothing/')).toEqual([]);
      const [first] = await listed('a-b');
      expect(first).toMatchObject({ key: 'a-b', size: 3, etag: md5('a-b') });
    });

    it('answers a ping', async () => {
      await expect(storage.ping()).resolves.toBeUndefined();
    });
  });
}
