import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { testEnv } from '../support/env.js';
import { EventTap } from '../support/events.js';
import { noise } from '../support/noise.js';

describe('photo events on the real RabbitMQ', () => {
  // The constellation's own exchange, deleted with it.
  const c = new Constellation();
  let media: string;
  let tap: EventTap;

  beforeAll(async () => {
    await c.createBucket();
    // Bound before the first upload: a topic exchange routes to the queues bound when a message arrives.
    tap = await EventTap.open(testEnv().AMQP_URL, c.eventsExchange);
    media = await c.startMedia();
    await c.startConverter();
  });
  afterAll(async () => {
    await c.dispose();
    await tap.close();
  });

  async function upload(body: Buffer): Promise<string> {
    const res = await c.upload(media, body, { 'X-Photographer': 'Ann Example' });
    expect(res.status).toBe(201);
    return ((await res.json()) as PhotoStatus).id;
  }

  it('publishes photo.ready with the keys and dimensions the status endpoint reports', async () => {
    const id = await upload(await noise(1200, 800).jpeg().toBuffer());
    const heard = await tap.waitFor('photo.ready', id);
    const status = await c.settled(media, id);
    expect(heard).toMatchObject({
      routingKey: 'photo.ready',
      messageId: `photo.ready/${id}`,
      persistent: true,
      contentType: 'application/json',
    });
    const { photo } = heard.event.data;
    expect(photo).toMatchObject({ id, status: 'ready', photographer: 'Ann Example' });
    expect(photo.master).toMatchObject({
      key: status.master!.key,
      width: status.master!.width,
      height: status.master!.height,
    });
    expect(photo.sizes!.map(({ name, key, width, height }) => ({ name, key, width, height }))).toEqual(
      status.conversions.map(({ name, key, width, height }) => ({ name, key, width, height })),
    );
    // The keys are real: the site may fetch or pre-warm them at once.
    for (const r of [photo.master!, ...photo.sizes!]) expect(await c.storage.head(r.key)).toBeDefined();
  });

  it('publishes photo.failed with the reason for a photo the converter cannot decode', async () => {
    const whole = await noise(1200, 800).jpeg().toBuffer();
    // Cut short with its end marker put back: media's checks pass, the converter's decode fails for good.
    const id = await upload(
      Buffer.concat([whole.subarray(0, Math.floor(whole.length * 0.6)), Buffer.from([0xff, 0xd9])]),
    );
    const heard = await tap.waitFor('photo.failed', id);
    expect((await c.settled(media, id)).status).toBe('failed');
    expect(heard.routingKey).toBe('photo.failed');
    expect(heard.event.data.photo).toMatchObject({
      id,
      status: 'failed',
      error: expect.stringContaining('cannot decode') as unknown,
    });
    expect(heard.event.data.photo.master).toBeUndefined();
    // Announced once: the dead-lettered task is not retried into a second event.
    expect(tap.heard.filter((h) => h.event.subject === id)).toHaveLength(1);
  });
});
