import { handleShutdown, type ShutdownStep } from '../../lib/lifecycle/shutdown.js';
import { createLogger } from '../../lib/log/logger.js';
import { createMetricsRegistry } from '../../lib/metrics/registry.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import { createQueue } from '../../lib/queue/create-queue.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { loadConverterConfig } from '../../services/converter/config.js';
import { devComponents, type DevContext } from './dev-components.js';

/**
 * Every service in one process on the filesystem store (DATA_DIR, default
 * ./data) and the in-process queue, whatever STORAGE_KIND and QUEUE_KIND say.
 */
export async function runDev(baseEnv: Record<string, string | undefined>): Promise<void> {
  const env = { ...baseEnv, STORAGE_KIND: 'fs', QUEUE_KIND: 'memory' };
  // The converter's settings size the shared queue: its prefetch is the conversion concurrency.
  const converterConfig = loadConverterConfig(env);
  const log = createLogger({
    level: converterConfig.logLevel,
    format: converterConfig.logFormat,
    name: 'enlarger-dev',
  });
  const ctx: DevContext = {
    env,
    storage: await createStorage(converterConfig.storage, { log }),
    queue: await createQueue<ConversionTask>(converterConfig.queue),
    registry: createMetricsRegistry({ service: 'dev' }),
    log,
  };
  const steps: ShutdownStep[] = [{ name: 'queue', close: () => ctx.queue.close() }];
  handleShutdown(log, steps);
  for (const component of devComponents) {
    const running = await component.start(ctx);
    // Stop in reverse order, and the queue (which waits for tasks in flight) last.
    steps.splice(0, 0, { name: component.name, close: running.stop });
    if (running.url) log.info({ component: component.name, url: running.url }, 'ready');
  }
  log.info(
    { dataDir: converterConfig.storage.kind === 'fs' ? converterConfig.storage.dir : undefined },
    'enlarger dev is up',
  );
}
