import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../../lib/errors.js';
import { newPhotoId, photoKeys } from '../../../lib/photos/keys.js';
import { FsStorage } from '../../../lib/storage/fs-storage.js';
import { PhotoStore } from './photo-store.js';

describe('PhotoStore.manifest', () => {
  let dir: string;
  let storage: FsStorage;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'photo-store-'));
    storage = new FsStorage(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

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
