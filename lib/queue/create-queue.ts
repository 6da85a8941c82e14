import type { Logger } from '../log/logger.js';
import { AmqpTaskQueue, type AmqpQueueOptions } from './amqp-queue.js';
import type { QueueConfig } from './config.js';
import { MemoryTaskQueue } from './memory-queue.js';
import type { TaskQueue } from './queue.js';

/**
 * The task queue `config` describes, connecting (and declaring its queues) in
 * the background: a service starts, and answers its probes, before its broker
 * does. `connected()` says when it is up. `connectionName` labels the AMQP
 * connection in the broker's UI (pod name); `exchange`, on a broker, is
 * declared with the queues (see {@link AmqpQueueOptions.exchange}).
 */
export function createQueue<T>(
  config: QueueConfig,
  deps: { logger?: Logger; connectionName?: string; exchange?: AmqpQueueOptions['exchange'] } = {},
): TaskQueue<T> {
  switch (config.kind) {
    case 'memory':
      return new MemoryTaskQueue<T>({ prefetch: config.prefetch, retry: config.retry });
    case 'amqp':
      return AmqpTaskQueue.open<T>({
        ...config,
        logger: deps.logger,
        connectionName: deps.connectionName,
        exchange: deps.exchange,
      });
  }
}
