import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPhotoId } from '../../lib/photos/keys.js';
import { Constellation, type PhotoStatus } from '../support/constellation.js';

const KEYS = 'it-upload-key-new-0123456789abcdefghijkl,it-upload-key-old-0123456789abcdefghijkl';

/** `enlarger sign-upload …` with only MEDIA_UPLOAD_KEYS in its environment, as the site's ops would run it. */
async function signUpload(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'cli/main.ts', 'sign-upload', ...args],
    { env: { PATH: '', MEDIA_UPLOAD_KEYS: KEYS } },
  );
  return stdout.trim();
}

const jpeg = () =>
  sharp({ create: { width: 1600, height: 1000, channels: 3, background: '#2a6f4e' } })
    .jpeg()
    .toBuffer();

describe('upload tokens on the real RabbitMQ and S3 server', () => {
  const c = new Constellation({ MEDIA_UPLOAD_KEYS: KEYS });
  let media: string;

  beforeAll(async () => {
    await c.createBucket();
    media = await c.startMedia();
    await c.startConverter();
  }, 60_000);
  afterAll(() => c.dispose(), 60_000);

  const post = (body: RequestInit['body'], token?: string) =>
    fetch(`${media}/v1/photos`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });

  it('takes an upload with a token from `enlarger sign-upload`: the id it names, ready, owner in the status', async () => {
    const id = newPhotoId();
    const token = await signUpload(
      '--owner',
      'account:42',
      '--photographer',
      'Ann Lee',
      '--id',
      id,
      '--max-bytes',
      '5MB',
    );
    const res = await post(await jpeg(), token);
    expect(res.status).toBe(201);
    expect(((await res.json()) as { id: string }).id).toBe(id);
    const ready = (await c.settled(media, id)) as PhotoStatus & { owner?: string; photographer?: string };
    expect(ready).toMatchObject({ id, status: 'ready', owner: 'account:42', photographer: 'Ann Lee' });
    expect(ready.conversions.length).toBeGreaterThan(0);

    // The token used again cannot replace the photo.
    const keys = await c.keys(`photos/${id}/`);
    const again = await post(await jpeg(), token);
    expect([again.status, ((await again.json()) as { error: { code: string } }).error.code]).toEqual([
      409,
      'photo_exists',
    ]);
    expect(await c.keys(`photos/${id}/`)).toEqual(keys);
  }, 90_000);

  it('refuses an upload without a token, and leaves the bucket as it was', async () => {
    const before = await c.keys();
    const res = await post(await jpeg());
    expect([res.status, res.headers.get('www-authenticate')]).toEqual([
      401,
      'Bearer realm="enlarger uploads"',
    ]);
    expect(await c.keys()).toEqual(before);
  });

  it("refuses a streamed body past the token's bytes with 413, leaving no object, marker or multipart upload", async () => {
    const before = await c.keys();
    const token = await signUpload('--max-bytes', '9MB');
    // 12 MB with no Content-Length: refused mid-stream, after S3 has taken a first 8 MiB part.
    const body = Buffer.concat([await jpeg(), Buffer.alloc(12_000_000)]);
    const res = await post(new Blob([body]).stream(), token);
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
      413,
      'token_too_large',
    ]);
    expect(await c.keys()).toEqual(before);
    const multipart = await c.storage.client.send(new ListMultipartUploadsCommand({ Bucket: c.bucket }));
    expect(multipart.Uploads ?? []).toEqual([]);
  }, 60_000);
});
