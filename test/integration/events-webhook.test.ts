import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookQueue, eventPublisherFor } from '../../lib/events/create-events.js';
import { photoDeletedEvent, photoEvent, type PhotoEvent } from '../../lib/events/photo-event.js';
import { webhookHandler } from '../../lib/events/webhook-relay.js';
import { createLogger } from '../../lib/log/logger.js';
import type { QueueConfig } from '../../lib/queue/config.js';
import { createQueue } from '../../lib/queue/create-queue.js';
import type { TaskQueue } from '../../lib/queue/queue.js';
import { SIGNATURE_HEADER, verifyWebhook } from '../../lib/events/signature.js';
import { photoKeys } from '../../lib/photos/keys.js';
import { splitAmqpUrls } from '../../lib/queue/amqp-endpoints.js';
import { retryQueueName } from '../../lib/queue/amqp-topology.js';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { testEnv, uniqueName } from '../support/env.js';
import { deleteTopology } from '../support/events.js';
import { noise } from '../support/noise.js';
import { eventually } from '../support/wait.js';

const KEY = 'whsec-integration-test-key';
const RETRY_DELAYS_MS = [200, 400, 800];

/** The site's webhook endpoint: it checks every signature, as README "Events" tells a site to. */
class Site {
  readonly events: PhotoEvent[] = [];
  readonly badSignatures: string[] = [];
  private server?: Server;
  port = 0;

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (!verifyWebhook([KEY], body, req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined)) {
          this.badSignatures.push(body);
          res.writeHead(400).end();
          return;
        }
        this.events.push(photoEvent.parse(JSON.parse(body)));
        res.writeHead(204).end();
      });
    });
    // Back on the port it had: the relay's URL does not change while the site is down.
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down for real: connections are refused, not answered with an error. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Each event's id once, however many times it came (at-least-once delivery). */
  ids(): string[] {
    return [...new Set(this.events.map((e) => e.id))].sort();
  }
}

describe('webhook relay on the real RabbitMQ', () => {
  const site = new Site();
  const webhookQueue = uniqueName('it-webhook');
  let c: Constellation;
  let media: string;

  beforeAll(async () => {
    await site.up();
    c = new Constellation({
      EVENTS_WEBHOOK_URL: `http://127.0.0.1:${site.port}/hooks/enlarger`,
      EVENTS_WEBHOOK_SECRET: KEY,
      EVENTS_WEBHOOK_QUEUE: webhookQueue,
      EVENTS_WEBHOOK_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
      EVENTS_WEBHOOK_MAX_ATTEMPTS: '1000',
      EVENTS_WEBHOOK_TIMEOUT_MS: '2000',
    });
    await c.createBucket();
    // Media first: it declares the relay's queue and binds it before any event is published.
    media = await c.startMedia();
    await c.startConverter();
  });
  afterAll(async () => {
    await c.dispose();
    await site.down();
    await deleteTopology(testEnv().AMQP_URL, webhookQueue, RETRY_DELAYS_MS);
  });

  async function upload(body: Buffer): Promise<string> {
    const res = await c.upload(media, body);
    expect(res.status).toBe(201);
    return ((await res.json()) as PhotoStatus).id;
  }

  /** Messages waiting in the relay's retry queue of `delayMs`: deliveries that failed and wait for their next attempt. */
  async function parkedForRetry(delayMs: number): Promise<number> {
    const amqp = await connect(splitAmqpUrls(testEnv().AMQP_URL)[0]!);
    try {
      const channel = await amqp.createChannel();
      return (await channel.checkQueue(retryQueueName(webhookQueue, delayMs))).messageCount;
    } finally {
      await amqp.close();
    }
  }

  it('POSTs photo.ready, signed, to the site', async () => {
    const id = await upload(await noise(800, 600).jpeg().toBuffer());
    const event = await eventually(() => site.events.find((e) => e.subject === id), {
      what: `the webhook for ${id}`,
    });
    expect(event).toMatchObject({ type: 'photo.ready', id: `photo.ready/${id}`, data: { photo: { id } } });
    expect(site.badSignatures).toEqual([]);
  });

  it('keeps the events while the site is down and delivers every one when it is back', async () => {
    await site.down();
    const whole = await noise(800, 600).jpeg().toBuffer();
    const ready = await upload(whole);
    const failed = await upload(
      Buffer.concat([whole.subarray(0, Math.floor(whole.length * 0.6)), Buffer.from([0xff, 0xd9])]),
    );
    // Both outcomes announced: the pending marker goes only once the broker confirmed the event.
    for (const id of [ready, failed]) {
      await eventually(async () => (await c.storage.head(photoKeys(id).pending)) === undefined, {
        what: `photo ${id}'s event to be confirmed`,
      });
    }
    // Down for a while: an event has failed three deliveries and waits on the last, longest rung.
    const lastRung = RETRY_DELAYS_MS.at(-1)!;
    await eventually(async () => (await parkedForRetry(lastRung)) > 0, {
      what: 'an event that failed three deliveries',
      intervalMs: 50,
    });
    expect(site.events.filter((e) => e.subject === ready || e.subject === failed)).toEqual([]);

    await site.up();
    await eventually(
      () => site.ids().includes(`photo.failed/${failed}`) && site.ids().includes(`photo.ready/${ready}`),
      {
        what: 'both events after the site came back',
      },
    );
    expect(site.events.find((e) => e.subject === failed)?.data.photo).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('cannot decode') as unknown,
    });
    expect(site.badSignatures).toEqual([]);
  });
});

describe('webhook relay dead-letters what the site never takes', () => {
  const exchange = uniqueName('it-events');
  const relayName = uniqueName('it-webhook');
  const publisherName = uniqueName('it-publisher');
  const attempts: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      attempts.push(String(req.headers[SIGNATURE_HEADER.toLowerCase()]));
      res.writeHead(500).end();
    });
  });
  const amqp = (queue: string): QueueConfig => ({
    kind: 'amqp',
    url: testEnv().AMQP_URL,
    queue,
    type: 'quorum',
    prefetch: 1,
    retry: { maxAttempts: 3, delaysMs: [100] },
    publishTimeoutMs: 5_000,
  });
  const log = createLogger({ level: 'silent' });
  let relay: TaskQueue<PhotoEvent>;
  let publisher: TaskQueue<unknown>;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await relay?.close();
    await publisher?.close();
    server.close();
    await deleteTopology(testEnv().AMQP_URL, relayName, [100]);
    await deleteTopology(testEnv().AMQP_URL, publisherName, [100]);
    const connection = await connect(splitAmqpUrls(testEnv().AMQP_URL)[0]!);
    await (await connection.createChannel()).deleteExchange(exchange);
    await connection.close();
  });

  it('parks the event on <queue>.dlq, kept, once its attempts are spent', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const webhook = {
      url,
      key: KEY,
      queue: relayName,
      retry: { maxAttempts: 3, delaysMs: [100] },
      timeoutMs: 2_000,
    };
    relay = createWebhookQueue(amqp(relayName), webhook, { exchange, logger: log });
    await relay.connected();
    await relay.consume(webhookHandler(webhook, log));
    // The converter's way of publishing: its task queue declares the exchange, events ride its connection.
    publisher = createQueue(amqp(publisherName), { exchange: { name: exchange } });
    await publisher.connected();
    await eventPublisherFor(publisher).publish(photoDeletedEvent({ id: 'gone' }));

    await eventually(async () => (await relay.deadLetterDepth()) === 1, { what: 'the event on the DLQ' });
    expect(attempts).toHaveLength(3);
    expect(await relay.depth()).toBe(0);
  });
});
