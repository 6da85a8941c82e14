import { MemoryEventBus } from '../../lib/events/memory-events.js';
import type { PhotoEvent } from '../../lib/events/photo-event.js';
import { createLogger } from '../../lib/log/logger.js';
import { createMetricsRegistry } from '../../lib/metrics/registry.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import { MemoryTaskQueue } from '../../lib/queue/memory-queue.js';
import type { Storage } from '../../lib/storage/storage.js';
import { loadMediaConfig } from '../../services/media/config.js';
import { createMediaService, type MediaService } from '../../services/media/service.js';

export interface MediaInProcess {
  media: MediaService;
  queue: MemoryTaskQueue<ConversionTask>;
  /** Every task media published, in order. */
  published: ConversionTask[];
  /** Every photo event media published, in order. */
  events: PhotoEvent[];
  url: string;
  admin: string;
  stop(): Promise<void>;
}

/**
 * Media in this process on loopback and ephemeral ports, over `storage` and an
 * in-memory queue whose tasks are collected rather than converted: for unit
 * tests of the HTTP surface.
 */
export async function startMediaInProcess(
  storage: Storage,
  env: Record<string, string> = {},
  signResizerPath?: (path: string) => string,
): Promise<MediaInProcess> {
  const queue = new MemoryTaskQueue<ConversionTask>();
  const published: ConversionTask[] = [];
  await queue.consume((task) => {
    published.push(task);
    return Promise.resolve();
  });
  const events: PhotoEvent[] = [];
  const bus = new MemoryEventBus();
  bus.subscribe((event) => {
    events.push(event);
    return Promise.resolve();
  });
  const media = createMediaService({
    config: loadMediaConfig({ MEDIA_PORT: '0', MEDIA_ADMIN_PORT: '0', MEDIA_HOST: '127.0.0.1', ...env }),
    storage,
    queue,
    events: bus,
    registry: createMetricsRegistry(),
    log: createLogger({ level: 'silent' }),
    ...(signResizerPath && { signResizerPath }),
  });
  const { port, adminPort } = await media.start();
  return {
    media,
    queue,
    published,
    events,
    url: `http://127.0.0.1:${port}`,
    admin: `http://127.0.0.1:${adminPort}`,
    stop: async () => {
      await media.stop();
      await queue.close();
    },
  };
}
