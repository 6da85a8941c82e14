import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnrecoverable } from '../errors.js';
import { createLogger } from '../log/logger.js';
import { photoDeletedEvent, type PhotoEvent } from './photo-event.js';
import { verifyWebhook } from './signature.js';
import { webhookHandler, WebhookRejectedError } from './webhook-relay.js';

const key = 'whsec-unit-test-key-0001';
const log = createLogger({ level: 'silent' });
const context = { attempt: 1, final: false };

describe('webhookHandler', () => {
  let server: Server;
  let url: string;
  let answer = 204;
  const received: Array<{ body: string; headers: IncomingMessage['headers'] }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/enlarger`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs the event as CloudEvents JSON with a signature the site can verify', async () => {
    const event = photoDeletedEvent({ id: 'p1' });
    await webhookHandler({ url, key, timeoutMs: 5_000 }, log)(event, context);
    const got = received.at(-1)!;
    expect(got.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(JSON.parse(got.body)).toEqual(event);
    expect(verifyWebhook([key], got.body, got.headers['enlarger-signature'] as string)).toBe(true);
  });

  it('throws a transient error when the site answers anything but 2xx, so the queue retries it', async () => {
    answer = 503;
    const sending = webhookHandler({ url, key, timeoutMs: 5_000 }, log)(
      photoDeletedEvent({ id: 'p2' }),
      context,
    );
    await expect(sending).rejects.toBeInstanceOf(WebhookRejectedError);
    await expect(sending).rejects.toSatisfy((err) => !isUnrecoverable(err));
    answer = 204;
  });

  it('dead-letters at once a message that is not a photo event, without a POST', async () => {
    const before = received.length;
    const sending = webhookHandler({ url, key, timeoutMs: 5_000 }, log)(
      { type: 'photo.ready' } as unknown as PhotoEvent,
      context,
    );
    await expect(sending).rejects.toSatisfy(isUnrecoverable);
    expect(received).toHaveLength(before);
  });
});
