import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newPhotoId } from '../../lib/photos/keys.js';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import type { Storage } from '../../lib/storage/storage.js';
import { startMediaInProcess, type MediaInProcess } from '../../test/support/media-in-process.js';
import { openRaw, requestHead, responseHead } from '../../test/support/raw-http.js';
import { signUploadToken } from './upload/upload-token.js';

const OLD_KEY = 'old-upload-key-0123456789abcdefghijklmnop';
const KEY = 'new-upload-key-0123456789abcdefghijklmnop';

const jpeg = () =>
  sharp({ create: { width: 320, height: 200, channels: 3, background: '#993366' } })
    .jpeg()
    .toBuffer();

const token = (grant: Partial<Parameters<typeof signUploadToken>[1]> = {}, key = KEY, now?: Date) =>
  signUploadToken(key, { maxBytes: 1_000_000, expiresInSeconds: 900, ...grant }, now);

/** FsStorage that records every write and delete, to prove a refusal came before any. */
function recording(storage: Storage): { storage: Storage; writes: string[] } {
  const writes: string[] = [];
  const wrapped: Storage = {
    put: (key, body, options) => (writes.push(`put ${key}`), storage.put(key, body, options)),
    delete: (key) => (writes.push(`delete ${key}`), storage.delete(key)),
    get: (key) => storage.get(key),
    getBuffer: (key) => storage.getBuffer(key),
    head: (key) => storage.head(key),
    list: (prefix) => storage.list(prefix),
    ping: () => storage.ping(),
  };
  return { storage: wrapped, writes };
}

async function keysIn(storage: Storage): Promise<string[]> {
  const keys: string[] = [];
  for await (const info of storage.list('')) keys.push(info.key);
  return keys;
}

interface Answer {
  status: number;
  code?: string;
  authenticate?: string | null;
}

async function upload(
  body: RequestInit['body'],
  headers: Record<string, string> = {},
): Promise<Answer & { id?: string }> {
  const res = await fetch(`${ctx.url}/v1/photos`, { method: 'POST', body, headers, duplex: 'half' });
  const json = (await res.json()) as { id?: string; error?: { code: string } };
  return {
    status: res.status,
    ...(json.error && { code: json.error.code, authenticate: res.headers.get('www-authenticate') }),
    ...(json.id && { id: json.id }),
  };
}

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

let dir: string;
let fs: FsStorage;
let writes: string[];
let ctx: MediaInProcess;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'media-tokens-'));
  fs = new FsStorage(dir);
  const recorded = recording(fs);
  writes = recorded.writes;
  ctx = await startMediaInProcess(recorded.storage, {
    MEDIA_UPLOAD_KEYS: `${KEY},${OLD_KEY}`,
    MEDIA_MAX_BYTES: '2MB',
  });
});
afterAll(async () => {
  await ctx.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  writes.length = 0;
});

describe('media with MEDIA_UPLOAD_KEYS', () => {
  it('refuses a missing, malformed, expired or forged token with 401 before anything is written', async () => {
    const body = await jpeg();
    const before = await keysIn(fs);
    const expired = await token({ expiresInSeconds: 60 }, KEY, new Date(Date.now() - 120_000));
    const forged = await token({}, 'not-a-key-of-this-media-0123456789abcdef');
    const cases: Array<[string, Record<string, string>, string]> = [
      ['no header', {}, 'token_required'],
      ['basic auth', { Authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' }, 'token_malformed'],
      ['not a JWT', bearer('abc.def'), 'token_malformed'],
      ['expired', bearer(expired), 'token_expired'],
      ['forged', bearer(forged), 'token_forged'],
    ];
    for (const [name, headers, code] of cases) {
      expect({ name, ...(await upload(body, headers)) }).toEqual({
        name,
        status: 401,
        code,
        authenticate: 'Bearer realm="enlarger uploads"',
      });
    }
    expect(writes).toEqual([]);
    expect(await keysIn(fs)).toEqual(before);
  });

  it('accepts a token signed with the old key during rotation, and stores its owner and photographer', async () => {
    const body = await jpeg();
    const signed = await token({ owner: 'account:7', photographer: 'Ann Lee' }, OLD_KEY);
    const accepted = await upload(body, bearer(signed));
    expect(accepted.status).toBe(201);
    const status = (await (await fetch(`${ctx.url}/v1/photos/${accepted.id}`)).json()) as Record<
      string,
      unknown
    >;
    expect(status).toMatchObject({ id: accepted.id, owner: 'account:7', photographer: 'Ann Lee' });
    // Repeating the token's credit is allowed; naming another is not.
    expect((await upload(body, { ...bearer(signed), 'X-Photographer': 'Ann Lee' })).status).toBe(201);
  });

  it('refuses a photographer the token does not credit: a header before a byte is written, a form field after, leaving nothing', async () => {
    const body = await jpeg();
    const signed = await token({ photographer: 'Ann Lee' });
    expect(await upload(body, { ...bearer(signed), 'X-Photographer': 'Someone Else' })).toEqual({
      status: 403,
      code: 'photographer_not_granted',
      authenticate: null,
    });
    expect(writes).toEqual([]);
    const before = await keysIn(fs);
    const form = new FormData();
    form.append('file', new Blob([body]), 'a.jpg');
    form.append('photographer', 'Someone Else');
    expect((await upload(form, bearer(signed))).code).toBe('photographer_not_granted');
    expect(await keysIn(fs)).toEqual(before);
  });

  it("answers 413 token_too_large past the token's bytes, declared or streamed, and leaves nothing stored", async () => {
    const body = await jpeg();
    const signed = await token({ maxBytes: body.length - 1 });
    const before = await keysIn(fs);
    expect(await upload(body, bearer(signed))).toEqual({
      status: 413,
      code: 'token_too_large',
      authenticate: null,
    });
    expect(writes).toEqual([]);
    const streamed = await upload(new Blob([body]).stream(), bearer(signed));
    expect(streamed).toEqual({ status: 413, code: 'token_too_large', authenticate: null });
    expect(await keysIn(fs)).toEqual(before);
    // A token granting more than media allows is held to media's own limit, and says so.
    const generous = await token({ maxBytes: 10_000_000 });
    expect((await upload(Buffer.concat([body, Buffer.alloc(2_100_000)]), bearer(generous))).code).toBe(
      'too_large',
    );
    // Exactly the granted size is fine.
    expect((await upload(body, bearer(await token({ maxBytes: body.length })))).status).toBe(201);
  });

  it('gives the photo the id the token names, and never replaces it: a second upload answers 409', async () => {
    const id = newPhotoId();
    const signed = await token({ photoId: id });
    const first = await jpeg();
    expect(await upload(first, bearer(signed))).toEqual({ status: 201, id });
    const original = await fs.getBuffer(`photos/${id}/original`);
    writes.length = 0;
    const other = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(await upload(other, bearer(signed))).toEqual({
      status: 409,
      code: 'photo_exists',
      authenticate: null,
    });
    expect(writes).toEqual([]);
    expect(await fs.getBuffer(`photos/${id}/original`)).toEqual(original);
  });

  it('refuses a second upload of one id while the first is in progress, and frees the id of a refused upload', async () => {
    const id = newPhotoId();
    const signed = await token({ photoId: id });
    const body = await jpeg();
    // The first upload sends its head and half its body, then waits.
    const first = await openRaw(ctx.url);
    const answered = responseHead(first);
    first.write(requestHead('/v1/photos', { ...bearer(signed), 'Content-Length': body.length }));
    first.write(body.subarray(0, body.length >> 1));
    await new Promise((r) => setTimeout(r, 200));
    expect((await upload(body, bearer(signed))).code).toBe('photo_exists');
    // Not end(): a half-closed request is an aborted one to Node's server.
    first.write(body.subarray(body.length >> 1));
    expect((await answered)?.status).toBe(201);
    first.destroy();

    // A refused upload (here: not an image) stores nothing, so the token can be used again.
    const retried = newPhotoId();
    const again = await token({ photoId: retried });
    expect((await upload(Buffer.from('not an image at all'), bearer(again))).status).toBe(415);
    expect(await upload(body, bearer(again))).toEqual({ status: 201, id: retried });
  });
});

describe('media without MEDIA_UPLOAD_KEYS', () => {
  it('takes uploads with no token, as before tokens', async () => {
    const open = await startMediaInProcess(fs);
    try {
      const res = await fetch(`${open.url}/v1/photos`, { method: 'POST', body: await jpeg() });
      expect(res.status).toBe(201);
    } finally {
      await open.stop();
    }
  });
});
