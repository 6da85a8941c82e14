import type { Logger } from '../log/logger.js';
import { AmqpTaskQueue } from './amqp-queue.js';
import type { QueueConfig } from './config.js';
import { MemoryTaskQueue } from './memory-queue.js';
import type { TaskQueue } from './queue.js';

/**
 * The task queue `config` describes, connected and with its queues declared.
 * `connectionName` labels the AMQP connection in the broker's UI (pod name).
 */
export async function createQueue<T>(
  config: QueueConfig,
  deps: { logger?: Logger; connectionName?: string } = {},
): Promise<TaskQueue<T>> {
  switch (config.kind) {
    case 'memory':
      return new MemoryTaskQueue<T>({ prefetch: config.prefetch, retry: config.retry });
    case 'amqp':
      return AmqpTaskQueue.connect<T>({
        ...config,
        logger: deps.logger,
        connectionName: deps.connectionName,
      });
  }
}
