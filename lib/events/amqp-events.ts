import type { AmqpTaskQueue } from '../queue/amqp-queue.js';
import type { PhotoEvent } from './photo-event.js';
import type { EventPublisher } from './publisher.js';

/**
 * Photo events on the platform's RabbitMQ: persistent messages on the
 * durable topic exchange, routing key = event type, confirmed by the broker.
 * They ride the service's task-queue connection (which declares the
 * exchange), so they share its TLS, multi-node failover and reconnects.
 */
export class AmqpEventPublisher implements EventPublisher {
  constructor(private readonly connection: Pick<AmqpTaskQueue<unknown>, 'publishTo'>) {}

  publish(event: PhotoEvent): Promise<void> {
    return this.connection.publishTo(event.type, event, event.id);
  }
}
