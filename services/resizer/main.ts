import { handleShutdown } from '../../lib/lifecycle/shutdown.js';
import { createLogger } from '../../lib/log/logger.js';
import { registerBuildInfo } from '../../lib/metrics/build-info.js';
import { createMetricsRegistry } from '../../lib/metrics/registry.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { startTracing } from '../../lib/tracing/setup.js';
import { loadResizerConfig } from './config.js';
import { createResizerService } from './service.js';

/**
 * Starts the resizer from the environment: config, storage, service, and
 * shutdown on SIGTERM. `enlarger resizer` calls this; bad config throws a
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
  handleShutdown(log, [
    { name: 'http', close: () => resizer.stop('expire') },
    // Last, so the spans of the requests that drained above are exported.
    { name: 'tracing', close: () => tracing.shutdown() },
  ]);
  await resizer.start();
}
