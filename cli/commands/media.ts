import os from 'node:os';
import { Command } from 'commander';
import { handleShutdown } from '../../lib/lifecycle/shutdown.js';
import { createLogger } from '../../lib/log/logger.js';
import { createMetricsRegistry } from '../../lib/metrics/registry.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import { createQueue } from '../../lib/queue/create-queue.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { loadMediaConfig } from '../../services/media/config.js';
import { createMediaService } from '../../services/media/service.js';
import { runService } from './run-service.js';

/** `enlarger media`: the upload API on MEDIA_PORT (default 8080). */
export const mediaCommand = () =>
  new Command('media').description('run the media (upload) service').action(() =>
    runService('media', async () => {
      const config = loadMediaConfig(process.env);
      const log = createLogger({ level: config.logLevel, name: 'media' });
      const storage = await createStorage(config.storage);
      const queue = await createQueue<ConversionTask>(config.queue, {
        logger: log,
        connectionName: `media@${os.hostname()}`,
      });
      const media = createMediaService({
        config,
        storage,
        queue,
        registry: createMetricsRegistry({ service: 'media' }),
        log,
      });
      handleShutdown(log, [
        { name: 'http', close: () => media.stop() },
        { name: 'queue', close: () => queue.close() },
      ]);
      await media.start();
    }),
  );
