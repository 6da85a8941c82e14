import os from 'node:os';
import { createWebhookQueue } from '../../lib/events/create-events.js';
import { handleShutdown } from '../../lib/lifecycle/shutdown.js';
import { createLogger } from '../../lib/log/logger.js';
import { createMetricsRegistry } from '../../lib/metrics/registry.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import { createQueue } from '../../lib/queue/create-queue.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { loadMediaConfig } from './config.js';
import { createMediaService } from './service.js';

/**
 * Starts media from the environment: config, storage, queue, service, and
 * shutdown on SIGTERM. `enlarger media` calls this; bad config throws a
 * ConfigError that the CLI turns into exit code 2, and a queue of another
 * type on the broker (QueueMismatchError) a startup failure, exit code 1.
 */
export async function runMedia(env: Record<string, string | undefined>): Promise<void> {
  const config = loadMediaConfig(env);
  const log = createLogger({ level: config.logLevel, format: config.logFormat, name: 'media' });
  const storage = await createStorage(config.storage, { log });
  const queue = createQueue<ConversionTask>(config.queue, {
    logger: log,
    connectionName: `media@${os.hostname()}`,
  });
  const webhookQueue =
    config.webhook &&
    createWebhookQueue(config.queue, config.webhook, {
      exchange: config.eventsExchange,
      logger: log,
      connectionName: `media-webhook@${os.hostname()}`,
    });
  const media = createMediaService({
    config,
    storage,
    queue,
    webhookQueue,
    registry: createMetricsRegistry({ service: 'media' }),
    log,
  });
  handleShutdown(log, [
    { name: 'http', close: () => media.stop('expire') },
    { name: 'queue', close: () => queue.close() },
    // Waits for a POST in flight; an event it had not acked is redelivered to another replica.
    { name: 'webhook relay', close: async () => webhookQueue?.close() },
  ]);
  await media.start();
  // Uploads are taken while the broker is away (the pending sweep enqueues them later), so media
  // does not wait for it; but a queue it can never publish to is fatal, as a startup failure.
  await queue.connected();
}
