import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsStorage } from '../storage/fs-storage.js';
import { newPhotoId, photoKeys } from './keys.js';
import { readManifest, writeManifest } from './records.js';

describe('writeManifest', () => {
  let dir: string;
  let storage: FsStorage;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'records-'));
    storage = new FsStorage(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const record = (height: number) => {
    const now = new Date().toISOString();
    const original = { format: 'gif' as const, width: 320, height, bytes: 43, hasAlpha: true };
    return {
      id: newPhotoId(),
      status: 'processing' as const,
      createdAt: now,
      updatedAt: now,
      original,
      conversions: [],
    };
  };

  // Issue 31: media wrote height 0, which every later read refused.
  it('refuses to write a record that the read schema would refuse, and writes nothing', async () => {
    const bad = record(0);
    await expect(writeManifest(storage, bad)).rejects.toThrow(/unreadable record .*original.height/);
    expect(await storage.head(photoKeys(bad.id).manifest)).toBeUndefined();
  });

  it('writes a valid record that reads back as written', async () => {
    const good = record(213);
    const written = await writeManifest(storage, good);
    expect(await readManifest(storage, good.id)).toEqual(written);
  });
});
