import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoKeys } from '../../lib/photos/keys.js';
import type { S3Storage } from '../../lib/storage/s3-storage.js';
import { seedPhoto, testBucket } from './resizer-fixtures.js';
import { startResizer, type RunningResizer } from './resizer-server.js';

let storage: S3Storage;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ storage, cleanup } = await testBucket());
});
afterAll(() => cleanup?.());

/** A PNG header that claims `width`×`height` pixels, with no pixels behind it: a decompression bomb's opening. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('resizer: hostile stored sources', () => {
  let resizer: RunningResizer;
  beforeAll(async () => {
    resizer = await startResizer(storage);
  });
  afterAll(() => resizer?.stop());

  it('answers each with its own status and code, and keeps serving', async () => {
    const good = await seedPhoto(storage, { width: 400, height: 300 });
    const goodJpeg = (await storage.getBuffer(photoKeys(good.id).original)).subarray();
    const svg = Buffer.from(
      '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><text>&x;</text></svg>',
    );
    const hostile = {
      truncated: goodJpeg.subarray(0, Math.floor(goodJpeg.length / 2)),
      garbage: Buffer.from('this is not an image at all'.repeat(40)),
      empty: Buffer.alloc(0),
      svg,
      bomb: pngClaiming(100_000, 100_000),
    };
    const seeded = await Promise.all(
      Object.entries(hostile).map(async ([name, bytes]) => ({
        name,
        manifest: await seedPhoto(storage, { width: 400, height: 300, originalBytes: bytes }),
      })),
    );
    const damagedRecord = await seedPhoto(storage, { width: 400, height: 300 });
    await storage.put(photoKeys(damagedRecord.id).manifest, '{"id": 12');
    const missingFile = await seedPhoto(storage, { width: 400, height: 300 });
    await storage.delete(photoKeys(missingFile.id).original);
    seeded.push(
      { name: 'damaged manifest', manifest: damagedRecord },
      { name: 'missing file', manifest: missingFile },
    );

    // Bytes that are not the image their record describes are the source's fault: 422, cacheable
    // briefly. A record that cannot be read makes the photo failed (404); a file the record lists
    // that storage does not have is the platform's own inconsistency (500, never cached).
    const unreadable = [422, 'source_unreadable'] as const;
    const expected: Record<string, readonly [number, string]> = {
      truncated: unreadable,
      garbage: unreadable,
      empty: unreadable,
      svg: unreadable,
      bomb: unreadable,
      'damaged manifest': [404, 'photo_failed'],
      'missing file': [500, 'source_missing'],
    };
    for (const { name, manifest } of seeded) {
      const res = await fetch(resizer.url(`/v1/photos/${manifest.id}?w=200&fmt=jpeg`));
      const { code } = ((await res.json()) as { error: { code: string } }).error;
      expect([name, res.status, code]).toEqual([name, ...expected[name]!]);
    }
    expect((await fetch(resizer.url(`/v1/photos/${good.id}?w=200`))).status).toBe(200);
    expect((await fetch(resizer.adminUrl('/healthz'))).status).toBe(200);
  });

  // Masters and sizes are opened without a header read, on their record's word: the magic
  // bytes must still be the recorded format, or libvips would pick whatever loader they name.
  it('refuses a stored master that is not the format its record says, with 422', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="3000"><rect width="9" height="9"/></svg>',
    );
    const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#123' } })
      .png()
      .toBuffer();
    for (const [name, bytes] of Object.entries({ svg, png })) {
      const photo = await seedPhoto(storage, { width: 1600, height: 1200, masterWidth: 800 });
      await storage.put(photo.master!.key, bytes);
      const res = await fetch(resizer.url(`/v1/photos/${photo.id}?w=400&fmt=jpeg`));
      expect(res.status, name).toBe(422);
      expect(((await res.json()) as { error: { code: string } }).error.code, name).toBe('source_unreadable');
    }
    const good = await seedPhoto(storage, { width: 1600, height: 1200, masterWidth: 800 });
    const res = await fetch(resizer.url(`/v1/photos/${good.id}?w=400&fmt=jpeg`));
    expect(res.status).toBe(200);
    expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).width).toBe(400);
  });
});

describe('resizer: coalescing and overload', () => {
  it('renders 20 concurrent identical misses once', async () => {
    const resizer = await startResizer(storage);
    try {
      const photo = await seedPhoto(storage, { width: 1600, height: 1200 });
      const before = await resizer.metric('enlarger_resizer_renders_total');
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => fetch(resizer.url(`/v1/photos/${photo.id}?w=777&fmt=webp`))),
      );
      const etags = new Set(responses.map((r) => r.headers.get('etag')));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(etags.size).toBe(1);
      expect((await resizer.metric('enlarger_resizer_renders_total')) - before).toBe(1);
    } finally {
      await resizer.stop();
    }
  });

  it('sheds past capacity with 503 + Retry-After while served requests stay fast', async () => {
    const resizer = await startResizer(storage, {
      RESIZER_SLOTS: '1',
      RESIZER_QUEUE_SIZE: '2',
      RESIZER_RETRY_AFTER_SECONDS: '2',
      RESIZER_SOURCE_CACHE_BYTES: '64MB',
    });
    try {
      const photo = await seedPhoto(storage, { width: 2400, height: 1600 });
      const timed = async (w: number) => {
        const started = performance.now();
        const res = await fetch(resizer.url(`/v1/photos/${photo.id}?w=${w}&fmt=jpeg`));
        await res.arrayBuffer();
        return {
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
          ms: performance.now() - started,
        };
      };
      // Warm the source cache, then time one render alone.
      await timed(1500);
      const alone = (await timed(1501)).ms;

      const results = await Promise.all(Array.from({ length: 24 }, (_, i) => timed(1600 + i)));
      const shed = results.filter((r) => r.status === 503);
      const served = results
        .filter((r) => r.status === 200)
        .map((r) => r.ms)
        .sort((a, b) => a - b);
      expect(shed.length).toBeGreaterThan(0);
      expect(shed.every((r) => r.retryAfter === '2')).toBe(true);
      expect(served.length).toBeGreaterThanOrEqual(3);
      expect(served.length + shed.length).toBe(24);
      // A served request waits for at most the queue ahead of it plus its own render.
      const p95 = served[Math.ceil(served.length * 0.95) - 1]!;
      expect(p95).toBeLessThan(4 * alone * 1.5 + 150);
      expect(await resizer.metric('enlarger_resizer_shed_total')).toBe(shed.length);
      expect(await resizer.metric('enlarger_resizer_queue_depth')).toBe(0);
    } finally {
      await resizer.stop();
    }
  });
});
