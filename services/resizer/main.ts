import os from 'node:os';
import { AmqpEventSubscriber } from '../../lib/events/amqp-subscriber.js';
import { handleShutdown } from '../../lib/lifecycle/shutdown.js';
import { createLogger } from '../../lib/log/logger.js';
import { registerBuildInfo } from '../../lib/metrics/build-info.js';
import { createMetricsRegistry } from '../../lib/metrics/registry.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { startTracing } from '../../lib/tracing/setup.js';
import { loadResizerConfig } from './config.js';
import { createResizerService } from './service.js';

/**
 * Starts the resizer from the environment: config, storage, service, the
 * photo-event subscription when RESIZER_EVENTS is on, and shutdown on SIGTERM. `enlarger resizer` calls this; bad config throws a
 * ConfigError that the CLI turns into exit code 2.
 */
export async function runResizer(env: Record<string, string | undefined>): Promise<void> {
  const config = loadResizerConfig(env);
  const log = createLogger({ level: config.logLevel, format: config.logFormat, name: 'resizer' });
  // First: the HTTP service looks whether tracing is on when it is built.
  const tracing = startTracing(config.tracing, log);
  const storage = await createStorage(config.storage);
  const resizer = createResizerService({
    config,
    storage,
    registry: registerBuildInfo(createMetricsRegistry({ service: 'resizer' }), config.build),
    log,
  });
  const subscriber =
    config.events &&
    new AmqpEventSubscriber(
      {
        ...config.events,
        types: ['photo.deleted', 'photo.updated'],
        connectionName: `resizer@${os.hostname()}`,
        log,
      },
      resizer.onPhotoEvent,
      resizer.forgetManifests,
    );
  handleShutdown(log, [
    { name: 'http', close: () => resizer.stop('expire') },
    { name: 'events', close: async () => subscriber?.close() },
    // Last, so the spans of the requests that drained above are exported.
    { name: 'tracing', close: () => tracing.shutdown() },
  ]);
  // In the background: a broker that is down must not keep the CDN origin from serving.
  subscriber?.start();
  await resizer.start();
}
