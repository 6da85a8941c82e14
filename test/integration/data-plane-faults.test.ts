import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { testEnv } from '../support/env.js';
import { bindDurableEventQueue, drainEventQueue } from '../support/events.js';
import { largeProgressivePhoto } from '../support/photos.js';
import { buildCli, freePort, killAndWait, metricValue, script, spawnCli } from '../support/processes.js';
import { eventually } from '../support/wait.js';

/**
 * Faults with nothing lost. These stop shared infrastructure (RabbitMQ,
 * MinIO) and so run last and one at a time; each test restores what it broke.
 */
describe('data plane faults', () => {
  let c: Constellation;

  beforeAll(buildCli, 120_000);
  afterEach(() => c.dispose());

  const small = (i: number) =>
    sharp({ create: { width: 400, height: 300, channels: 3, background: { r: i % 256, g: 100, b: 150 } } })
      .jpeg()
      .toBuffer();

  async function uploadOk(media: string, body: Buffer): Promise<string> {
    const res = await c.upload(media, body);
    expect(res.status).toBe(201);
    return ((await res.json()) as PhotoStatus).id;
  }

  it('SIGKILL of the converter mid-task: the task is redelivered and completed', async () => {
    c = new Constellation();
    await c.createBucket();
    const media = await c.startMedia();
    const port = await freePort();
    const converter = spawnCli('converter', { ...c.env, CONVERTER_ADMIN_PORT: String(port) });
    try {
      const photo = await readFile(await largeProgressivePhoto());
      const ids = await Promise.all([uploadOk(media, photo), uploadOk(media, photo), uploadOk(media, photo)]);
      await eventually(
        async () =>
          ((await metricValue(`http://127.0.0.1:${port}`, 'enlarger_converter_tasks_in_flight')) ?? 0) > 0,
        { intervalMs: 20, what: 'a task in flight' },
      );
      await killAndWait(converter, 'SIGKILL');
      expect(
        (await Promise.all(ids.map((id) => c.status(media, id)))).some((s) => s.status === 'processing'),
      ).toBe(true);
      const second = spawnCli('converter', c.env);
      try {
        for (const id of ids) expect((await c.settled(media, id)).status).toBe('ready');
      } finally {
        await killAndWait(second, 'SIGTERM');
      }
    } finally {
      await killAndWait(converter, 'SIGKILL');
    }
  });

  it('S3 stopped for 10 s: media answers 503 fast, the converter retries and finishes', async () => {
    c = new Constellation();
    await c.createBucket();
    const media = await c.startMedia();
    await c.startConverter();
    const photo = await readFile(await largeProgressivePhoto());
    const ids = await Promise.all([
      uploadOk(media, photo),
      uploadOk(media, photo),
      uploadOk(media, await small(1)),
    ]);
    await script('minio.sh', 'stop');
    const stoppedAt = Date.now();
    try {
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const res = await c.upload(media, await small(i));
        expect(res.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(2_500);
      }
      await eventually(async () => (await fetch(`${c.admin(media)}/readyz`)).status === 503, {
        what: 'media not ready',
      });
      await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - stoppedAt))));
    } finally {
      await script('minio.sh', 'start');
    }
    for (const id of ids) expect((await c.settled(media, id, 120_000)).status).toBe('ready');
    await eventually(async () => (await fetch(`${c.admin(media)}/readyz`)).status === 200, {
      what: 'media ready again',
    });
  });

  it('RabbitMQ restarted during a burst of 200 uploads: every accepted upload reaches ready, and its photo.ready event', async () => {
    // The sweep picks up uploads whose publish failed while the broker was away.
    c = new Constellation({
      MEDIA_SWEEP_AFTER_SECONDS: '5',
      MEDIA_SWEEP_INTERVAL_SECONDS: '2',
      QUEUE_PUBLISH_TIMEOUT_MS: '2000',
    });
    await c.createBucket();
    // A site's durable queue, bound before the first upload: the events of photos that become ready while the
    // broker is away are published once it is back (the converter retries the task), and none is lost.
    const siteQueue = await bindDurableEventQueue(testEnv().AMQP_URL, c.eventsExchange);
    const media = await c.startMedia();
    await c.startConverter();
    const accepted: string[] = [];
    let next = 0;
    let restart: Promise<void> | undefined;
    const worker = async () => {
      while (next < 200) {
        const i = next++;
        if (i === 50) restart = script('rabbitmq.sh', 'down').then(() => script('rabbitmq.sh', 'up'));
        const res = await c.upload(media, await small(i));
        // The broker being away must not cost an upload: media only needs storage.
        expect(res.status).toBe(201);
        accepted.push(((await res.json()) as PhotoStatus).id);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await restart;
    expect(accepted).toHaveLength(200);
    await eventually(
      async () => {
        const statuses = await Promise.all(accepted.map((id) => c.status(media, id)));
        return statuses.every((s) => s.status === 'ready');
      },
      { timeoutMs: 150_000, intervalMs: 2_000, what: 'all 200 photos ready' },
    );
    // The converter publishes before it clears the pending marker, so a photo ready is a photo announced; a retry
    // may announce it twice (same id), never zero times.
    const events = await drainEventQueue(testEnv().AMQP_URL, siteQueue);
    const announced = new Set(events.filter((e) => e.type === 'photo.ready').map((e) => e.subject));
    const ready = events.filter((e) => e.type === 'photo.ready').length;
    console.log(
      `RabbitMQ restart: ${accepted.length} uploads, ${ready} photo.ready (${announced.size} photos) on the site's queue`,
    );
    expect(accepted.filter((id) => !announced.has(id))).toEqual([]);
  });
});
