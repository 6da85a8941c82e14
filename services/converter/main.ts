import os from 'node:os';
import { eventPublisherFor } from '../../lib/events/create-events.js';
import { handleShutdown } from '../../lib/lifecycle/shutdown.js';
import { createLogger } from '../../lib/log/logger.js';
import { createMetricsRegistry } from '../../lib/metrics/registry.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import { createQueue } from '../../lib/queue/create-queue.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { loadConverterConfig } from './config.js';
import { createConverterService } from './service.js';

/**
 * Starts the converter from the environment, with probes and metrics on
 * CONVERTER_ADMIN_PORT. `enlarger converter` calls this; bad config throws a
 * ConfigError that the CLI turns into exit code 2, and a queue of another
 * type on the broker (QueueMismatchError) a startup failure, exit code 1.
 * A broker that is down is neither: it waits, not ready, until it answers.
 */
export async function runConverter(env: Record<string, string | undefined>): Promise<void> {
  const config = loadConverterConfig(env);
  const log = createLogger({ level: config.logLevel, format: config.logFormat, name: 'converter' });
  const storage = await createStorage(config.storage, { log });
  // Connects in the background; start() below waits for it, with the probes already answering.
  const queue = createQueue<ConversionTask>(config.queue, {
    logger: log,
    connectionName: `converter@${os.hostname()}`,
    exchange: { name: config.eventsExchange },
  });
  const converter = createConverterService({
    config,
    storage,
    queue,
    // On the task queue's connection: one TLS session and failover list per pod.
    events: eventPublisherFor(queue),
    registry: createMetricsRegistry({ service: 'converter' }),
    log,
  });
  // The queue closes before the HTTP server: it waits for tasks in flight,
  // and /readyz should keep answering while they finish.
  handleShutdown(log, [
    { name: 'queue', close: () => queue.close() },
    { name: 'http', close: () => converter.stop() },
  ]);
  await converter.start({ listen: true });
}
