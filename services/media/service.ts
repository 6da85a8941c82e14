import type { Express } from 'express';
import type { Registry } from 'prom-client';
import { messageOf } from '../../lib/errors.js';
import type { PhotoEvent } from '../../lib/events/photo-event.js';
import { webhookHandler } from '../../lib/events/webhook-relay.js';
import { ReadinessMonitor } from '../../lib/http/readiness.js';
import { createHttpService, type IdleConnections, type Listening } from '../../lib/http/server.js';
import type { Logger } from '../../lib/log/logger.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import { registerQueueMetrics } from '../../lib/queue/queue-metrics.js';
import type { TaskQueue } from '../../lib/queue/queue.js';
import type { Storage } from '../../lib/storage/storage.js';
import type { MediaConfig } from './config.js';
import { devPageRoutes } from './dev-page/routes.js';
import { mediaMetrics } from './metrics.js';
import { statusHandler } from './status-handler.js';
import { PendingSweep } from './sweep.js';
import { uploadAuthentication } from './upload/upload-auth.js';
import { uploadHandler } from './upload/upload-handler.js';
import { uploadSlots } from './upload/upload-slots.js';

export interface MediaDeps {
  config: MediaConfig;
  storage: Storage;
  queue: TaskQueue<ConversionTask>;
  registry: Registry;
  log: Logger;
  /**
   * Signs resizer URLs for the dev page. `enlarger dev` passes the resizer's
   * signer when SIGNING_KEYS is set; media itself holds no resizer key.
   */
  signResizerPath?: (pathAndQuery: string) => string;
  /**
   * The queue the webhook relay consumes (`createWebhookQueue`), when
   * `config.webhook` is set. Media runs the relay because it is always up:
   * the converter may be scaled to zero while events wait for the site.
   */
  webhookQueue?: TaskQueue<PhotoEvent>;
}

/** The media service, assembled but not yet listening; `dev` and `media` both start it. */
export interface MediaService {
  readiness: ReadinessMonitor;
  sweep: PendingSweep;
  app: Express;
  /** Probes dependencies, starts the sweep and listens. */
  start(): Promise<Listening>;
  /** Stops accepting, finishes in-flight uploads, stops the sweep. The caller closes storage and queue. */
  stop(idle?: IdleConnections): Promise<void>;
}

export function createMediaService(deps: MediaDeps): MediaService {
  const { config, storage, queue, registry, log } = deps;
  // Only storage gates readiness: with the broker down, uploads are still
  // safe (stored, then swept), so taking media out of rotation would lose more than it saves.
  const readiness = new ReadinessMonitor([{ name: 'storage', check: () => storage.ping() }], log);
  const metrics = mediaMetrics(registry);
  registerQueueMetrics(registry, queue);
  const sweep = new PendingSweep(storage, queue, config.sweep, metrics, log);
  const http = createHttpService({
    log,
    registry,
    readiness,
    timeouts: { headersMs: config.uploads.headersTimeoutMs, requestMs: config.uploads.requestTimeoutMs },
    routes: (app) => {
      if (config.devPage) {
        app.use(
          devPageRoutes({ storage, resizerUrl: config.devPage.resizerUrl, sign: deps.signResizerPath }),
        );
        log.info({ resizerUrl: config.devPage.resizerUrl }, 'serving the dev page at /');
      }
      app.post(
        '/v1/photos',
        uploadAuthentication(config.uploadKeys, metrics),
        uploadSlots(config.uploads, metrics),
        uploadHandler({
          storage,
          queue,
          readiness,
          limits: config.limits,
          policy: config.uploads,
          metrics,
          log,
        }),
      );
      app.get('/v1/photos/:id', statusHandler(storage));
    },
  });
  if (config.uploadKeys.length === 0)
    log.warn(
      'MEDIA_UPLOAD_KEYS is not set: anyone who reaches media can upload; run it only behind the site',
    );
  return {
    readiness,
    sweep,
    app: http.app,
    async start() {
      await readiness.start();
      sweep.start();
      startWebhookRelay(deps, log);
      return http.listen({ port: config.port, adminPort: config.adminPort, host: config.host });
    },
    async stop(idle) {
      await http.close(idle);
      await sweep.stop();
      readiness.stop();
    },
  };
}

/**
 * Starts relaying events to the site, without waiting for the broker: media
 * takes uploads while it is away, and the consumer registers when it answers.
 */
function startWebhookRelay({ config, webhookQueue }: MediaDeps, log: Logger): void {
  if (!config.webhook || !webhookQueue) return;
  const relayLog = log.child({ component: 'webhook-relay' });
  webhookQueue
    .consume(webhookHandler(config.webhook, relayLog))
    .then(() => relayLog.info({ url: config.webhook?.url }, 'relaying events to the webhook'))
    .catch((err: unknown) => relayLog.error({ error: messageOf(err) }, 'webhook relay could not start'));
}
