import { MemoryEventBus } from '../../lib/events/memory-events.js';
import { handleShutdown, type ShutdownStep } from '../../lib/lifecycle/shutdown.js';
import { createLogger } from '../../lib/log/logger.js';
import { createMetricsRegistry } from '../../lib/metrics/registry.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import { createQueue } from '../../lib/queue/create-queue.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { loadConverterConfig } from '../../services/converter/config.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { devComponents, type DevContext } from './dev-components.js';

/**
 * `dev`'s environment: the filesystem store and the in-process queue whatever
 * STORAGE_KIND and QUEUE_KIND say, and media's dev page on (MEDIA_DEV_PAGE=false
 * turns it off), pointed at this process's resizer.
 */
export function devEnv(baseEnv: Record<string, string | undefined>): Record<string, string | undefined> {
  const env = { ...baseEnv, STORAGE_KIND: 'fs', QUEUE_KIND: 'memory' };
  const { port: resizerPort } = loadResizerConfig(env);
  return { MEDIA_DEV_PAGE: 'true', MEDIA_DEV_RESIZER_URL: `http://localhost:${resizerPort}`, ...env };
}

/**
 * Every service in one process on the filesystem store (DATA_DIR, default
 * ./data) and the in-process queue, whatever STORAGE_KIND and QUEUE_KIND say.
 */
export async function runDev(baseEnv: Record<string, string | undefined>): Promise<void> {
  const env = devEnv(baseEnv);
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
    queue: createQueue<ConversionTask>(converterConfig.queue),
    events: new MemoryEventBus(),
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
