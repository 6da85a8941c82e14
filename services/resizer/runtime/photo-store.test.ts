import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../../lib/errors.js';
import { newPhotoId, photoKeys } from '../../../lib/photos/keys.js';
import { FsStorage } from '../../../lib/storage/fs-storage.js';
import { PhotoStore } from './photo-store.js';

let dir: string;
let storage: FsStorage;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'photo-store-'));
  storage = new FsStorage(dir);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A valid ready record of photo `id`. */
const record = (id: string) =>
  JSON.stringify({
    id,
    status: 'ready',
    createdAt: '2026-12-07T00:00:00.000Z',
    updatedAt: '2026-12-07T00:00:00.000Z',
    original: { format: 'jpeg', width: 10, height: 10, bytes: 1 },
  });

describe('PhotoStore.manifest', () => {
  // Issue 31: a record with height 0 answered 500 manifest_invalid on every request.
  it.each([
    ['not JSON', '{"id":'],
    [
      'a record with a height of 0',
      JSON.stringify({ id: 'x', status: 'processing', original: { height: 0 } }),
    ],
  ])('answers 404 photo_failed, not 500, for a record that is %s', async (_name, body) => {
    const id = newPhotoId();
    await storage.put(photoKeys(id).manifest, body);
    const store = new PhotoStore(storage, { sourceCacheBytes: 1024, manifestTtlMs: 1000 });
    const err = await store.manifest(id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 404, code: 'photo_failed', loud: false });
  });
});

describe('PhotoStore.forget', () => {
  it('drops the manifest and source files of a deleted photo at once, where the TTL would keep them', async () => {
    const id = newPhotoId();
    const keys = photoKeys(id);
    await storage.put(keys.manifest, record(id));
    await storage.put(keys.size('thumb', 'jpeg'), 'bytes');
    const store = new PhotoStore(storage, { sourceCacheBytes: 1024, manifestTtlMs: 60_000 });
    await store.manifest(id);
    await store.source(keys.size('thumb', 'jpeg'));
    await storage.delete(keys.manifest);
    await storage.delete(keys.size('thumb', 'jpeg'));
    // Still cached: without the event, the TTL is the bound.
    await expect(store.manifest(id)).resolves.toMatchObject({ id });
    expect(store.sourceCacheBytes).toBe(5);

    store.forget(id);
    await expect(store.manifest(id)).rejects.toMatchObject({ status: 404, code: 'photo_not_found' });
    expect(store.sourceCacheBytes).toBe(0);
  });

  it('does not cache a manifest read that was in flight when the photo was forgotten', async () => {
    const id = newPhotoId();
    await storage.put(photoKeys(id).manifest, record(id));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: FsStorage = Object.create(storage) as FsStorage;
    // Read before the takedown, answered after it.
    slow.getBuffer = async (key) => {
      const bytes = await storage.getBuffer(key);
      await gate;
      return bytes;
    };
    const store = new PhotoStore(slow, { sourceCacheBytes: 1024, manifestTtlMs: 60_000 });
    const inFlight = store.manifest(id);
    await new Promise((resolve) => setTimeout(resolve, 50));
    store.forget(id);
    await storage.delete(photoKeys(id).manifest);
    release();
    // The read that started before answers with what it read, once; it is not kept.
    await expect(inFlight).resolves.toMatchObject({ id });
    await expect(store.manifest(id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('PhotoStore manifest cache', () => {
  const stored = async () => {
    const id = newPhotoId();
    await storage.put(photoKeys(id).manifest, record(id));
    return id;
  };

  // Issue 31: expired manifests stayed until 10,000 were cached, a slope in `make fuzz`'s RSS.
  it('drops expired manifests when it caches the next one a TTL later', async () => {
    const store = new PhotoStore(storage, { sourceCacheBytes: 1024, manifestTtlMs: 1000 });
    for (let i = 0; i < 5; i++) await store.manifest(await stored());
    expect(store.cachedManifests).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await store.manifest(await stored());
    expect(store.cachedManifests).toBe(1);
  });
});
