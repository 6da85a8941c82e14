import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { MemoryTaskQueue } from '../queue/memory-queue.js';
import { createWebhookQueue, eventPublisherFor } from './create-events.js';
import { MemoryEventBus } from './memory-events.js';
import { photoDeletedEvent } from './photo-event.js';
import { SIGNATURE_HEADER, verifyWebhook } from './signature.js';
import { webhookHandler } from './webhook-relay.js';

const key = 'whsec-in-process-0001';
const log = createLogger({ level: 'silent' });

describe('events in process (enlarger dev)', () => {
  let server: Server;
  let url: string;
  /** Answers to give, in turn; then 204. */
  const answers: number[] = [];
  const delivered: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = answers.shift() ?? 204;
        if (
          status === 204 &&
          verifyWebhook([key], body, req.headers[SIGNATURE_HEADER.toLowerCase()] as string)
        ) {
          delivered.push((JSON.parse(body) as { id: string }).id);
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('publishes on the shared bus when the task queue is in process', () => {
    const bus = new MemoryEventBus();
    expect(eventPublisherFor(new MemoryTaskQueue(), bus)).toBe(bus);
  });

  it('relays what the bus hears to the webhook, retrying an error until the site takes it', async () => {
    const bus = new MemoryEventBus();
    const retry = { maxAttempts: 5, delaysMs: [10] };
    const queue = createWebhookQueue(
      { kind: 'memory', prefetch: 1, retry },
      { url, key, queue: 'unused', retry, timeoutMs: 2_000 },
      { exchange: 'unused', bus },
    );
    await queue.consume(webhookHandler({ url, key, timeoutMs: 2_000 }, log));
    answers.push(503, 500);
    await bus.publish(photoDeletedEvent({ id: 'p1' }));
    await (queue as MemoryTaskQueue<unknown>).drained();
    expect(delivered).toEqual(['photo.deleted/p1']);
    expect(answers).toEqual([]);
    await queue.close();
  });
});
