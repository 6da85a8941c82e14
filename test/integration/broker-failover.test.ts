import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import type { AmqpTaskQueue } from '../../lib/queue/amqp-queue.js';
import type { TaskQueue } from '../../lib/queue/queue.js';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { rabbitCluster } from '../support/rabbitmq-cluster.js';
import { eventually } from '../support/wait.js';

const UPLOADS = 300;
const KILL_AFTER = 100;
const CONCURRENCY = 8;
/** How long every accepted photo has to end, once the uploads are done: a quiet run needs about 10 s. */
const SETTLE_MS = 120_000;

interface Upload {
  index: number;
  startedAt: number;
  endedAt: number;
  status: number;
  id?: string;
}

/** A small JPEG of its own colour, so every upload is a distinct photo. */
const photo = (i: number) =>
  sharp({
    create: { width: 96, height: 64, channels: 3, background: { r: i % 256, g: (i * 7) % 256, b: 128 } },
  })
    .jpeg()
    .toBuffer();

/** Runs `work` over 0..n-1 with `limit` at a time. */
async function pool(n: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

// The quorum queue's leader is SIGKILLed in the middle of 300 uploads; media
// and the converter talk to the cluster through a three-URL AMQP_URL.
describe('conversion on a 3-node RabbitMQ cluster that loses the queue leader', () => {
  let c: Constellation;
  let media: string;
  let converterQueue: TaskQueue<ConversionTask>;

  beforeAll(async () => {
    const urls = await rabbitCluster.up();
    c = new Constellation({
      AMQP_URL: urls,
      MEDIA_MAX_UPLOADS: '32',
      // One small rendition: the test is about the queue, and 300 conversions share two cores.
      CONVERTER_SIZES: JSON.stringify([
        { name: 'thumb', width: 64, fit: 'inside', format: 'jpeg', quality: 75 },
      ]),
      QUEUE_PREFETCH: '4',
    });
    await c.createBucket();
    media = await c.startMedia();
    converterQueue = await c.startConverter();
  });
  afterAll(async () => {
    await c?.dispose();
    await rabbitCluster.down();
  });

  it('ends every accepted upload ready, once, and reconnects publisher and consumer to the survivors', async () => {
    const leader = await rabbitCluster.leader(c.queueName);
    expect(leader).toMatch(/^enlarger-q\d@localhost$/);
    const stats = (converterQueue as AmqpTaskQueue<ConversionTask>).stats;
    expect(stats.connections).toBe(1);

    const uploads: Upload[] = [];
    let killedAt = 0;
    let kill: Promise<void> | undefined;
    let consumerBack: Promise<number> | undefined;
    await pool(UPLOADS, CONCURRENCY, async (index) => {
      if (index === KILL_AFTER) {
        killedAt = Date.now();
        kill = rabbitCluster.kill(rabbitCluster.nodeNumber(leader)).then(() => undefined);
        // Media and converter both opened their connection on the first URL, the node that leads the queue.
        consumerBack = eventually(() => stats.connections >= 2, {
          timeoutMs: 60_000,
          intervalMs: 20,
          what: 'the converter to reconnect',
        }).then(() => Date.now());
      }
      const body = await photo(index);
      const startedAt = Date.now();
      const res = await c.upload(media, body);
      const id = res.status === 201 ? ((await res.json()) as PhotoStatus).id : undefined;
      uploads.push({ index, startedAt, endedAt: Date.now(), status: res.status, id });
    });
    await kill;
    const consumerBackAt = await consumerBack!;
    const accepted = uploads.filter((u) => u.id !== undefined);
    // One photo at a time, in upload order: polling 300 at once would load the
    // two cores it measures. A photo still processing at the deadline is
    // counted, not thrown, so a failure prints the figures that explain it.
    const settled: Array<Pick<PhotoStatus, 'id' | 'status' | 'error'>> = [];
    const deadline = Date.now() + SETTLE_MS;
    for (const u of accepted) {
      const wait = Math.max(deadline - Date.now(), 1_000);
      settled.push(
        await c.settled(media, u.id!, wait).catch(() => ({ id: u.id!, status: 'processing' as const })),
      );
    }
    const ready = settled.filter((s) => s.status === 'ready');

    // One set of files per photo: a task converted twice overwrote its own keys, nothing more.
    const keys = await c.keys('photos/');
    const perPhoto = new Map<string, number>();
    for (const key of keys) {
      const id = key.split('/')[1]!;
      perPhoto.set(id, (perPhoto.get(id) ?? 0) + 1);
    }
    const counts = new Set(perPhoto.values());

    const afterKill = uploads.filter((u) => u.startedAt >= killedAt && u.id !== undefined);
    const firstAfterKill = Math.min(...afterKill.map((u) => u.endedAt));
    const figures = {
      uploads: UPLOADS,
      accepted: accepted.length,
      rejected: uploads.length - accepted.length,
      ready: ready.length,
      lost: accepted.length - ready.length,
      killed: leader,
      publishRecoveryMs: firstAfterKill - killedAt,
      consumerRecoveryMs: consumerBackAt - killedAt,
      slowestUploadMs: Math.max(...uploads.map((u) => u.endedAt - u.startedAt)),
      stillProcessing: settled.filter((s) => s.status === 'processing').length,
      converterConnections: stats.connections,
      redeliveries: stats.redeliveries,
    };
    console.log(`broker-failover figures ${JSON.stringify(figures)}`);

    expect(figures.accepted).toBe(UPLOADS);
    expect(figures.lost).toBe(0);
    expect(settled.filter((s) => s.status !== 'ready')).toEqual([]);
    expect([...perPhoto.keys()].sort()).toEqual(accepted.map((u) => u.id).sort());
    expect(counts.size).toBe(1);
    // Nothing waits, retries or died: the queues are empty once all is ready.
    expect(await converterQueue.depth()).toBe(0);
    expect(await converterQueue.deadLetterDepth()).toBe(0);
  }, 300_000);
});
