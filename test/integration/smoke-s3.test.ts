import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, uniqueName } from '../support/env.js';

/** `total` bytes in 1 MiB chunks whose content depends on the offset, never held at once. */
function* generatedBytes(total: number): Generator<Buffer> {
  const chunk = 1024 * 1024;
  for (let offset = 0; offset < total; offset += chunk) {
    const size = Math.min(chunk, total - offset);
    yield Buffer.alloc(size, offset / chunk);
  }
}

// Proves the S3 server is real: it keeps what it is given, lists it, and
// assembles a multipart upload.
describe('S3 server (smoke)', () => {
  const bucket = uniqueName('smoke');
  let s3: S3Client;

  beforeAll(async () => {
    const env = testEnv();
    s3 = new S3Client({
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const o of listed.Contents ?? [])
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    s3.destroy();
  });

  it('puts, gets, lists and deletes', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/1.txt', Body: 'first' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/2.txt', Body: 'second' }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'b/3.txt', Body: 'third' }));

    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/2.txt' }));
    expect(await got.Body?.transformToString()).toBe('second');

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'a/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['a/1.txt', 'a/2.txt']);

    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'a/1.txt' }));
    await expect(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'a/1.txt' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('streams a multipart upload of more than 100 MB from a generator', async () => {
    const total = 105 * 1024 * 1024;
    const upload = new Upload({
      client: s3,
      params: { Bucket: bucket, Key: 'big.bin', Body: Readable.from(generatedBytes(total)) },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
    });
    let parts = 0;
    upload.on('httpUploadProgress', () => parts++);
    await upload.done();

    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big.bin' }));
    expect(head.ContentLength).toBe(total);
    // A multipart ETag is "<md5 of part md5s>-<part count>".
    expect(head.ETag).toMatch(/-14"$/);
    expect(parts).toBeGreaterThanOrEqual(14);

    // Spot-check content from the middle of the object.
    const mid = 50 * 1024 * 1024;
    const range = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'big.bin', Range: `bytes=${mid}-${mid + 3}` }),
    );
    expect([...(await range.Body!.transformToByteArray())]).toEqual([50, 50, 50, 50]);
  });
});
