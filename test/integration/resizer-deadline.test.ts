import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Storage } from '../../lib/storage/s3-storage.js';
import { seedPhoto, testBucket } from './resizer-fixtures.js';
import { startResizer, type RunningResizer } from './resizer-server.js';

/**
 * The resizer answers within its deadline whatever holds it up, and tells
 * overload (503 `overloaded`, shed, Retry-After) from a render that ran out of
 * time (503 `deadline_exceeded`). `make soak` found both wrong: storage reads
 * ran on past the deadline, and under 2x load requests timed out in the queue
 * instead of being shed.
 */
describe('resizer deadline', () => {
  describe('against an S3 endpoint that accepts connections and never answers', () => {
    let blackHole: Server;
    const sockets: Socket[] = [];
    let resizer: RunningResizer;
    let storage: S3Storage;

    beforeAll(async () => {
      blackHole = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
      const { port } = blackHole.address() as { port: number };
      storage = new S3Storage({
        bucket: 'photos',
        endpoint: `http://127.0.0.1:${port}`,
        forcePathStyle: true,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      });
      resizer = await startResizer(storage, { RESIZER_DEADLINE_MS: '1500' });
    });
    afterAll(async () => {
      await resizer?.stop();
      storage?.destroy();
      sockets.forEach((s) => s.destroy());
      blackHole?.close();
    });

    it('answers 503 deadline_exceeded at the deadline, not after the S3 client gives up', async () => {
      const started = performance.now();
      const res = await fetch(resizer.url('/v1/photos/AAAAAAAAAAAAAAAAAAAAAA?w=320&fmt=jpeg'));
      const ms = performance.now() - started;
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('deadline_exceeded');
      // The S3 client alone would wait 2 tries x 15 s of socket silence.
      expect(ms).toBeLessThan(5_000);
    });
  });

  describe('at several times its capacity, on real MinIO', () => {
    let resizer: RunningResizer;
    let cleanup: () => Promise<void>;
    let id = '';

    beforeAll(async () => {
      const bucket = await testBucket();
      cleanup = bucket.cleanup;
      id = (await seedPhoto(bucket.storage, { width: 2400, height: 1600, masterWidth: 2400 })).id;
      // One slot, a deep queue and a tight deadline: waiting out the deadline in line is the failure mode.
      resizer = await startResizer(bucket.storage, {
        RESIZER_SLOTS: '1',
        RESIZER_QUEUE_SIZE: '64',
        RESIZER_DEADLINE_MS: '1500',
        RESIZER_OUTPUT_CACHE_BYTES: '0',
      });
    });
    afterAll(async () => {
      await resizer?.stop();
      await cleanup?.();
    });

    it('sheds what it cannot finish in time with 503 overloaded, and times out (almost) nothing', async () => {
      // A few renders alone first: the limiter learns the render time.
      for (const w of [500, 501, 502]) {
        expect((await fetch(resizer.url(`/v1/photos/${id}?w=${w}&fmt=webp`))).status).toBe(200);
      }
      const codes = new Map<string, number>();
      // 60 distinct misses at once: far more than one slot renders in 1.5 s.
      await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          const res = await fetch(resizer.url(`/v1/photos/${id}?w=${600 + i}&fmt=webp`));
          const code =
            res.status === 200 ? 'ok' : ((await res.json()) as { error: { code: string } }).error.code;
          if (res.status === 503 && code === 'overloaded')
            expect(res.headers.get('retry-after')).toBeTruthy();
          codes.set(code, (codes.get(code) ?? 0) + 1);
        }),
      );
      expect(codes.get('ok')).toBeGreaterThan(0);
      expect(codes.get('overloaded')).toBeGreaterThan(0);
      // A render admitted in time may still be cut by a noisy neighbour; waiting in line never is.
      expect(codes.get('deadline_exceeded') ?? 0).toBeLessThanOrEqual(2);
      expect([...codes.keys()].every((c) => ['ok', 'overloaded', 'deadline_exceeded'].includes(c))).toBe(
        true,
      );
    });
  });
});
