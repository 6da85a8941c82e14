import { handleShutdown } from '../../lib/lifecycle/shutdown.js';
import { createLogger } from '../../lib/log/logger.js';
import { createMetricsRegistry } from '../../lib/metrics/registry.js';
import { createStorage } from '../../lib/storage/create-storage.js';
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
  const storage = await createStorage(config.storage);
  const resizer = createResizerService({
    config,
    storage,
    registry: createMetricsRegistry({ service: 'resizer' }),
    log,
  });
  handleShutdown(log, [{ name: 'http', close: () => resizer.stop('expire') }]);
  await resizer.start();
}
