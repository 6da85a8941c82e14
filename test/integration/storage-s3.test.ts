import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteBucketCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3Storage, type S3StorageOptions } from '../../lib/storage/s3-storage.js';
import { StorageUnavailableError } from '../../lib/storage/storage.js';
import { describeStorage } from '../support/conformance/storage.js';
import { testEnv, uniqueName } from '../support/env.js';

function s3Options(bucket: string): S3StorageOptions {
  const env = testEnv();
  return {
    bucket,
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
  };
}

let storage: S3Storage;

beforeEach(async () => {
  storage = new S3Storage(s3Options(uniqueName('it-bucket')));
  await storage.ensureBucket();
});

afterEach(async () => {
  for await (const { key } of storage.list('')) await storage.delete(key);
  await storage.client.send(new DeleteBucketCommand({ Bucket: storage.bucket }));
  storage.destroy();
});

const MIB = 1024 * 1024;
// One random MiB, yielded over and over: the generator itself allocates
// nothing, so RSS growth during an upload is the upload's own buffering.
const block = randomBytes(MIB);

function* generated(mebibytes: number): Generator<Buffer> {
  for (let i = 0; i < mebibytes; i++) yield block;
}

describeStorage('S3 (MinIO)', async () => {
  const s3 = new S3Storage(s3Options(uniqueName('it-conformance')));
  await s3.ensureBucket();
  const dispose = async () => {
    for await (const { key } of s3.list('')) await s3.delete(key);
    await s3.client.send(new DeleteBucketCommand({ Bucket: s3.bucket }));
    s3.destroy();
  };
  return { storage: s3, dispose };
});

// What only S3 has: multipart uploads, and a bucket or server that is not there.
describe('S3Storage', () => {
  it('streams a 200 MiB body up in parts and back, with memory staying flat', async () => {
    const total = 200 * MIB;
    const expected = createHash('md5');
    for (const chunk of generated(200)) expected.update(chunk);

    // RSS is read as the upload pulls each MiB. The first 30 MiB fill the
    // SDK's part buffers and warm it up; from then on memory must stay flat
    // while the remaining 170 MiB flow through. The bound is loose because
    // freed part buffers linger in RSS until the next GC.
    let settled = 0;
    let peak = 0;
    function* measured(): Generator<Buffer> {
      let i = 0;
      for (const chunk of generated(200)) {
        const rss = process.memoryUsage().rss;
        if (i++ === 30) settled = rss;
        peak = Math.max(peak, rss);
        yield chunk;
      }
    }
    // Byte-mode stream with a 1 MiB buffer, like a socket: Readable.from's
    // default object mode would queue 16 chunks (16 MiB) on its own.
    const body = Readable.from(measured(), { objectMode: false, highWaterMark: MIB });
    const info = await storage.put('big/original.bin', body, {
      contentType: 'application/octet-stream',
    });
    expect(info.size).toBe(total);
    // A multipart ETag is "<md5 of part md5s>-<parts>": proof it did not go up in one piece.
    expect(info.etag).toMatch(/^[0-9a-f]{32}-25$/);
    // Parts are 8 MiB, two in flight; holding the body would add 170 MiB.
    const growthMiB = Math.round((peak - settled) / MIB);
    expect(growthMiB, `RSS grew ${growthMiB} MiB during the upload`).toBeLessThan(100);

    expect((await storage.head('big/original.bin'))?.size).toBe(total);
    const actual = createHash('md5');
    for await (const chunk of await storage.get('big/original.bin')) actual.update(chunk as Buffer);
    expect(actual.digest('hex')).toBe(expected.digest('hex'));
  });

  it('fails a streamed put whose source breaks, and stores nothing', async () => {
    async function* breaking() {
      yield* generated(6);
      await Promise.resolve();
      throw new Error('client went away');
    }
    await expect(storage.put('broken.bin', Readable.from(breaking()))).rejects.toThrow('client went away');
    expect(await storage.head('broken.bin')).toBeUndefined();
  });

  it('pings an existing bucket and reports a missing one as unavailable', async () => {
    await storage.ping();
    await storage.ensureBucket(); // idempotent
    const missing = new S3Storage(s3Options(uniqueName('it-missing')));
    try {
      await expect(missing.ping()).rejects.toThrow(StorageUnavailableError);
      await expect(missing.put('k', 'x')).rejects.toThrow(StorageUnavailableError);
    } finally {
      missing.destroy();
    }
  });

  it('reports an unreachable server as StorageUnavailableError on every operation', async () => {
    const endpoint = new URL(testEnv().S3_ENDPOINT);
    endpoint.port = '1'; // nothing listens there
    const down = new S3Storage({ ...s3Options('unreachable'), endpoint: endpoint.toString() });
    try {
      await expect(down.ping()).rejects.toThrow(StorageUnavailableError);
      await expect(down.put('k', 'x')).rejects.toThrow(StorageUnavailableError);
      await expect(down.put('k', Readable.from(['x']))).rejects.toThrow(StorageUnavailableError);
      await expect(down.get('k')).rejects.toThrow(StorageUnavailableError);
      await expect(down.head('k')).rejects.toThrow(StorageUnavailableError);
      await expect(down.delete('k')).rejects.toThrow(StorageUnavailableError);
      await expect(listedFrom(down)).rejects.toThrow(StorageUnavailableError);
    } finally {
      down.destroy();
    }
  });
});

async function listedFrom(s: S3Storage): Promise<number> {
  let n = 0;
  for await (const _ of s.list('')) n++;
  return n;
}
