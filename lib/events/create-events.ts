import type { Logger } from '../log/logger.js';
import { AmqpTaskQueue } from '../queue/amqp-queue.js';
import type { QueueConfig } from '../queue/config.js';
import { createQueue } from '../queue/create-queue.js';
import { MemoryTaskQueue } from '../queue/memory-queue.js';
import type { TaskQueue } from '../queue/queue.js';
import { AmqpEventPublisher } from './amqp-events.js';
import type { WebhookConfig } from './config.js';
import { MemoryEventBus } from './memory-events.js';
import { PHOTO_EVENT_TYPES, type PhotoEvent } from './photo-event.js';
import type { EventPublisher } from './publisher.js';

/**
 * The events publisher that rides `queue`'s connection: the exchange on a
 * broker (the queue must have been created with `exchange`), else `local`,
 * the in-process bus that `enlarger dev` shares between its services.
 */
export function eventPublisherFor<T>(
  queue: TaskQueue<T>,
  local: EventPublisher = new MemoryEventBus(),
): EventPublisher {
  return queue instanceof AmqpTaskQueue ? new AmqpEventPublisher(queue) : local;
}

/**
 * The queue the webhook relay consumes: on a broker, a durable queue of its
 * own bound to every photo event on `exchange`, with the queue module's retry
 * queues and dead-letter queue, so events wait there while the site is down.
 * In-process, a memory queue fed by `bus`.
 */
export function createWebhookQueue(
  queue: QueueConfig,
  webhook: WebhookConfig,
  deps: { exchange: string; bus?: MemoryEventBus; logger?: Logger; connectionName?: string },
): TaskQueue<PhotoEvent> {
  if (queue.kind === 'memory') {
    const relay = new MemoryTaskQueue<PhotoEvent>({ retry: webhook.retry });
    deps.bus?.subscribe((event) => relay.publish(event));
    return relay;
  }
  return createQueue<PhotoEvent>(
    // One POST at a time per pod: a site that is struggling is not hit by a burst from each replica.
    { ...queue, queue: webhook.queue, retry: webhook.retry, prefetch: 1 },
    {
      logger: deps.logger,
      connectionName: deps.connectionName,
      exchange: { name: deps.exchange, bindingKeys: PHOTO_EVENT_TYPES },
    },
  );
}
