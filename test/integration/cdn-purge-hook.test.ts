import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPurgeHook, varnishPurge } from '../../examples/purge-hook.js';
import { AmqpEventSubscriber } from '../../lib/events/amqp-subscriber.js';
import { createLogger } from '../../lib/log/logger.js';
import { cacheTag } from '../../lib/photos/keys.js';
import type { PhotoManifest } from '../../lib/photos/manifest.js';
import { Constellation } from '../support/constellation.js';
import { uniqueName, varnishFromEnv } from '../support/env.js';
import { useVcl, type ActiveVcl } from '../support/varnish.js';
import { eventually } from '../support/wait.js';
import { seedPhoto } from './resizer-fixtures.js';
import { startResizer, type RunningResizer } from './resizer-server.js';

const ADMIN_KEY = 'it-admin-key-0123456789abcdefghijklmnopqr';

/**
 * The documented purge hook (examples/purge-hook.ts) against the real
 * Varnish of scripts/varnish.sh running the shipped recipe VCL, and the real
 * RabbitMQ: a DELETE or PATCH on media reaches the CDN through the events
 * exchange, and nothing stale is served from the cache afterwards.
 */
describe('the purge hook between the events exchange and Varnish', () => {
  let c: Constellation;
  let media: string;
  let resizer: RunningResizer;
  let subscriber: AmqpEventSubscriber;
  let vcl: ActiveVcl;
  let stopHook: () => Promise<void>;
  const hookQueue = uniqueName('it-purge');

  beforeAll(async () => {
    c = new Constellation();
    await c.createBucket();
    media = await c.startMedia({ MEDIA_ADMIN_KEYS: ADMIN_KEY });
    resizer = await startResizer(c.storage);
    // As in a pod: the resizer drops the photo on the event too, or the purged CDN would fetch it again.
    subscriber = new AmqpEventSubscriber(
      {
        url: c.env.AMQP_URL!,
        exchange: c.eventsExchange,
        types: ['photo.deleted', 'photo.updated'],
        log: createLogger({ level: 'silent' }),
      },
      resizer.service.onPhotoEvent,
    );
    subscriber.start();
    await eventually(() => subscriber.healthy, { what: 'the resizer subscribed' });
    const varnish = varnishFromEnv();
    vcl = await useVcl(varnish, Number(new URL(resizer.url('/')).port));
    stopHook = await startPurgeHook({
      amqpUrl: c.env.AMQP_URL!.split(',')[0]!,
      exchange: c.eventsExchange,
      queue: hookQueue,
      purge: varnishPurge(varnish.url),
      repurgeAfterMs: 1_000,
    });
  });

  afterAll(async () => {
    await stopHook?.();
    const amqp = await connect(c.env.AMQP_URL!.split(',')[0]!);
    await (await amqp.createChannel()).deleteQueue(hookQueue);
    await amqp.close();
    await subscriber?.close();
    await vcl?.dispose();
    await resizer?.stop();
    await c?.dispose();
  });

  async function get(path: string) {
    const res = await fetch(vcl.url(path));
    await res.arrayBuffer();
    return {
      status: res.status,
      cache: res.headers.get('x-cache'),
      tag: res.headers.get('cache-tag'),
      etag: res.headers.get('etag'),
    };
  }

  const cachedPhoto = async (): Promise<{ photo: PhotoManifest; path: string }> => {
    const photo = await seedPhoto(c.storage, {
      width: 1200,
      height: 800,
      masterWidth: 1000,
      sizes: [300],
      photographer: 'Old Name',
    });
    // Wide enough that the watermark draws the credit, so a new credit is new bytes.
    const path = `/v1/photos/${photo.id}?w=600&fmt=jpeg`;
    expect(await get(path)).toMatchObject({ status: 200, cache: 'MISS', tag: cacheTag(photo.id) });
    expect(await get(path)).toMatchObject({ status: 200, cache: 'HIT' });
    return { photo, path };
  };

  const call = (method: string, id: string, body?: unknown) =>
    fetch(`${media}/v1/photos/${id}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  it('purges a deleted photo from Varnish: its immutable output gives way to a tagged 404, and stays gone', async () => {
    const { photo, path } = await cachedPhoto();
    expect((await call('DELETE', photo.id)).status).toBe(204);
    const answered = performance.now();
    const ms = await eventually(
      async () => ((await get(path)).status === 404 ? performance.now() - answered : undefined),
      { intervalMs: 10, what: 'Varnish to answer 404' },
    );
    console.log(`purge hook: DELETE answer → first 404 from Varnish: ${ms.toFixed(0)} ms`);
    // Past the hook's second purge: nothing put the photo back.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await get(path)).toMatchObject({ status: 404, tag: cacheTag(photo.id) });
  });

  it('purges a photo whose credit changed: the next answer from Varnish is a new render', async () => {
    const { photo, path } = await cachedPhoto();
    const before = await get(path);
    expect((await call('PATCH', photo.id, { photographer: 'New Name' })).status).toBe(200);
    const after = await eventually(
      async () => {
        const answer = await get(path);
        return answer.etag !== before.etag ? answer : undefined;
      },
      { intervalMs: 10, what: 'a new render through Varnish' },
    );
    expect(after).toMatchObject({ status: 200, tag: cacheTag(photo.id) });
  });
});
