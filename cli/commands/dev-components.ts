import type { Registry } from 'prom-client';
import { createWebhookQueue } from '../../lib/events/create-events.js';
import type { MemoryEventBus } from '../../lib/events/memory-events.js';
import type { Logger } from '../../lib/log/logger.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import type { TaskQueue } from '../../lib/queue/queue.js';
import type { Storage } from '../../lib/storage/storage.js';
import { loadConverterConfig } from '../../services/converter/config.js';
import { createConverterService } from '../../services/converter/service.js';
import { loadMediaConfig } from '../../services/media/config.js';
import { createMediaService } from '../../services/media/service.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { signPath } from '../../services/resizer/request/signature.js';
import { createResizerService } from '../../services/resizer/service.js';

/** What every component of `enlarger dev` shares: one store, one in-process queue and event bus, one registry. */
export interface DevContext {
  env: Record<string, string | undefined>;
  storage: Storage;
  queue: TaskQueue<ConversionTask>;
  events: MemoryEventBus;
  registry: Registry;
  log: Logger;
}

/** A service as `dev` runs it: started in order, stopped in reverse. */
export interface DevComponent {
  name: string;
  start(ctx: DevContext): Promise<{ stop: () => Promise<void>; url?: string }>;
}

const media: DevComponent = {
  name: 'media',
  async start(ctx) {
    // The dev page's images come from this process's resizer: sign them as it expects.
    const [signingKey] = loadResizerConfig(ctx.env).handler.signingKeys;
    const config = loadMediaConfig(ctx.env);
    // EVENTS_WEBHOOK_URL works in dev too: the relay hears the converter on the in-process bus.
    const webhookQueue =
      config.webhook &&
      createWebhookQueue(config.queue, config.webhook, { exchange: config.eventsExchange, bus: ctx.events });
    const service = createMediaService({
      ...ctx,
      config,
      webhookQueue,
      log: ctx.log.child({ component: 'media' }),
      ...(signingKey && { signResizerPath: (path: string) => signPath(signingKey, path) }),
    });
    const { port } = await service.start();
    const stop = async () => {
      await service.stop();
      await webhookQueue?.close();
    };
    return { stop, url: `http://localhost:${port}` };
  },
};

const converter: DevComponent = {
  name: 'converter',
  async start(ctx) {
    const service = createConverterService({
      ...ctx,
      config: loadConverterConfig(ctx.env),
      log: ctx.log.child({ component: 'converter' }),
    });
    // No port of its own: its metrics are in the shared registry that media serves.
    await service.start();
    return { stop: () => service.stop() };
  },
};

const resizer: DevComponent = {
  name: 'resizer',
  async start(ctx) {
    const service = createResizerService({
      ...ctx,
      config: loadResizerConfig(ctx.env),
      log: ctx.log.child({ component: 'resizer' }),
    });
    const { port } = await service.start();
    return { stop: () => service.stop(), url: `http://localhost:${port}` };
  },
};

/** The constellation `enlarger dev` runs in one process: media on :8080, the resizer on :8081, their probes and metrics on :9090 and :9091. */
export const devComponents: DevComponent[] = [media, converter, resizer];
