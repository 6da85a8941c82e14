import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newPhotoId, photoKeys } from '../../lib/photos/keys.js';
import { readManifest } from '../../lib/photos/records.js';
import { readTombstone } from '../../lib/photos/takedown.js';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import type { Storage } from '../../lib/storage/storage.js';
import { startMediaInProcess, type MediaInProcess } from '../../test/support/media-in-process.js';
import { signUploadToken, type UploadGrant } from './upload/upload-token.js';

const UPLOAD_KEY = 'upload-key-0123456789abcdefghijklmnopqrs';
const ADMIN_KEY = 'admin-key-0123456789abcdefghijklmnopqrstu';

const jpeg = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer();

const token = (grant: Partial<Omit<UploadGrant, 'expiresAt'>> = {}) =>
  signUploadToken(UPLOAD_KEY, { maxBytes: 1_000_000, expiresInSeconds: 900, ...grant });
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

async function keysIn(storage: Storage): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of storage.list('')) keys.push(info.key);
  return keys.sort();
}

let dir: string;
let storage: FsStorage;
let ctx: MediaInProcess;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'photo-lifecycle-'));
  storage = new FsStorage(dir);
});
afterEach(() => ctx?.stop());
afterAll(() => rm(dir, { recursive: true, force: true }));

const start = async (env: Record<string, string>) => {
  ctx = await startMediaInProcess(storage, env);
};

/** Uploads a photo as `owner`, and pretends the converter made a size of it. */
async function photoOf(owner: string): Promise<string> {
  const res = await fetch(`${ctx.url}/v1/photos`, {
    method: 'POST',
    body: await jpeg(),
    headers: bearer(await token({ owner })),
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  await storage.put(photoKeys(id).size('thumb', 'jpeg'), 'converted bytes');
  return id;
}

const call = (method: 'DELETE' | 'PATCH', id: string, headers: Record<string, string>, body?: unknown) =>
  fetch(`${ctx.url}/v1/photos/${id}`, {
    method,
    headers: { ...headers, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('DELETE /v1/photos/{id}', () => {
  const keys = { MEDIA_UPLOAD_KEYS: UPLOAD_KEY, MEDIA_ADMIN_KEYS: ADMIN_KEY };

  it('removes every object and the pending marker with an admin key, keeps a tombstone, announces photo.deleted', async () => {
    await start(keys);
    const id = await photoOf('acct-1');
    expect((await keysIn(storage)).filter((k) => k.includes(id))).toHaveLength(4);

    const res = await call('DELETE', id, bearer(ADMIN_KEY));
    expect(res.status).toBe(204);
    expect((await keysIn(storage)).filter((k) => k.includes(id))).toEqual([photoKeys(id).tombstone]);
    expect(await readTombstone(storage, id)).toMatchObject({ id, owner: 'acct-1' });
    expect(ctx.events.map((e) => [e.type, e.id, e.data.photo])).toEqual([
      ['photo.deleted', `photo.deleted/${id}`, { id, owner: 'acct-1', status: 'deleted' }],
    ]);
    // Again: 204 and the same event, so a client retrying after a lost answer is safe.
    expect((await call('DELETE', id, bearer(ADMIN_KEY))).status).toBe(204);
    expect(ctx.events[1]).toEqual(ctx.events[0]);
    expect((await fetch(`${ctx.url}/v1/photos/${id}`)).status).toBe(404);
  });

  it("lets an owner's token with the photos:delete scope delete that owner's photos, and no other", async () => {
    await start(keys);
    const mine = await photoOf('acct-1');
    const theirs = await photoOf('acct-2');
    const scoped = await token({ owner: 'acct-1', scopes: ['photos:delete'] });

    const other = await call('DELETE', theirs, bearer(scoped));
    expect([other.status, await codeOf(other)]).toEqual([403, 'not_owner']);
    const unscoped = await call('DELETE', mine, bearer(await token({ owner: 'acct-1' })));
    expect([unscoped.status, await codeOf(unscoped)]).toEqual([403, 'scope_missing']);
    const pinned = await token({ owner: 'acct-1', scopes: ['photos:delete'], photoId: theirs });
    const wrongId = await call('DELETE', mine, bearer(pinned));
    expect([wrongId.status, await codeOf(wrongId)]).toEqual([403, 'token_other_photo']);
    expect(await readManifest(storage, mine)).toBeDefined();
    expect(await readManifest(storage, theirs)).toBeDefined();

    expect((await call('DELETE', mine, bearer(scoped))).status).toBe(204);
    expect(await readManifest(storage, mine)).toBeUndefined();
    expect(await readManifest(storage, theirs)).toBeDefined();
  });

  it('answers 401 without a bearer, 401 for a wrong key or forged token, 404 for an unknown or malformed id', async () => {
    await start(keys);
    const id = await photoOf('acct-1');
    const none = await call('DELETE', id, {});
    expect([none.status, await codeOf(none), none.headers.get('www-authenticate')]).toEqual([
      401,
      'token_required',
      'Bearer realm="enlarger photos"',
    ]);
    const wrong = await call('DELETE', id, bearer('not-a-key-or-a-token'));
    expect([wrong.status, await codeOf(wrong)]).toEqual([401, 'token_malformed']);
    const unknown = await call('DELETE', newPhotoId(), bearer(ADMIN_KEY));
    expect([unknown.status, await codeOf(unknown)]).toEqual([404, 'photo_not_found']);
    expect((await call('DELETE', '..%2F..%2Fetc', bearer(ADMIN_KEY))).status).toBe(404);
    expect(await readManifest(storage, id)).toBeDefined();
  });

  it('is refused, even to admins, when upload keys are set and admin keys are not', async () => {
    await start({ MEDIA_UPLOAD_KEYS: UPLOAD_KEY });
    const id = await photoOf('acct-1');
    const scoped = await token({ owner: 'acct-1', scopes: ['photos:delete', 'photos:update'] });
    const del = await call('DELETE', id, bearer(scoped));
    expect([del.status, await codeOf(del)]).toEqual([403, 'photo_admin_off']);
    const patch = await call('PATCH', id, bearer(scoped), { photographer: 'X' });
    expect([patch.status, await codeOf(patch)]).toEqual([403, 'photo_admin_off']);
    expect(await readManifest(storage, id)).toMatchObject({ owner: 'acct-1' });
  });

  it('is open without any key, like uploads', async () => {
    await start({});
    const res = await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body: await jpeg() });
    const { id } = (await res.json()) as { id: string };
    expect((await call('DELETE', id, {})).status).toBe(204);
    expect(await readManifest(storage, id)).toBeUndefined();
  });

  it("refuses an upload token's photo id once that photo was deleted: it never comes back", async () => {
    await start(keys);
    const id = newPhotoId();
    const pinned = await token({ owner: 'acct-1', photoId: id });
    const first = await fetch(`${ctx.url}/v1/photos`, {
      method: 'POST',
      body: await jpeg(),
      headers: bearer(pinned),
    });
    expect(first.status).toBe(201);
    expect((await call('DELETE', id, bearer(ADMIN_KEY))).status).toBe(204);
    const again = await fetch(`${ctx.url}/v1/photos`, {
      method: 'POST',
      body: await jpeg(),
      headers: bearer(pinned),
    });
    expect([again.status, await codeOf(again)]).toEqual([409, 'photo_exists']);
    expect((await keysIn(storage)).filter((k) => k.includes(id))).toEqual([photoKeys(id).tombstone]);
  });
});

describe('PATCH /v1/photos/{id}', () => {
  const keys = { MEDIA_UPLOAD_KEYS: UPLOAD_KEY, MEDIA_ADMIN_KEYS: ADMIN_KEY };

  it('changes the credit, bumps updatedAt (the resizer cache version) and announces photo.updated', async () => {
    await start(keys);
    const id = await photoOf('acct-1');
    const before = await readManifest(storage, id);
    const scoped = await token({ owner: 'acct-1', scopes: ['photos:update'] });
    const res = await call('PATCH', id, bearer(scoped), { photographer: '  Ana   Lima ' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { photographer: string; updatedAt: string };
    expect(body.photographer).toBe('Ana Lima');
    const after = await readManifest(storage, id);
    expect(after).toMatchObject({ photographer: 'Ana Lima', owner: 'acct-1', status: before!.status });
    expect(after!.updatedAt > before!.updatedAt).toBe(true);
    expect(ctx.events.map((e) => [e.type, e.id, e.data.photo.photographer])).toEqual([
      ['photo.updated', `photo.updated/${id}/${after!.updatedAt}`, 'Ana Lima'],
    ]);

    // null removes the credit.
    expect((await call('PATCH', id, bearer(ADMIN_KEY), { photographer: null })).status).toBe(200);
    expect((await readManifest(storage, id))?.photographer).toBeUndefined();
  });

  it('refuses other fields, a bidi override, a body past 4 KiB, and a deleted photo', async () => {
    await start(keys);
    const id = await photoOf('acct-1');
    const owner = await call('PATCH', id, bearer(ADMIN_KEY), { owner: 'acct-2' });
    expect([owner.status, await codeOf(owner)]).toEqual([400, 'bad_patch']);
    const bidi = await call('PATCH', id, bearer(ADMIN_KEY), { photographer: 'Ana\u202eamiL' });
    expect([bidi.status, await codeOf(bidi)]).toEqual([400, 'bad_photographer']);
    const big = await call('PATCH', id, bearer(ADMIN_KEY), { photographer: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect(await readManifest(storage, id)).toMatchObject({ owner: 'acct-1' });
    expect(ctx.events).toEqual([]);

    expect((await call('DELETE', id, bearer(ADMIN_KEY))).status).toBe(204);
    const gone = await call('PATCH', id, bearer(ADMIN_KEY), { photographer: 'Late' });
    expect([gone.status, await codeOf(gone)]).toEqual([404, 'photo_not_found']);
    expect(await readManifest(storage, id)).toBeUndefined();
  });
});
