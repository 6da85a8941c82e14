import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import sharp from 'sharp';
import { messageOf } from '../../lib/errors.js';
import type { EventPublisher } from '../../lib/events/publisher.js';
import { ReadinessMonitor } from '../../lib/http/readiness.js';
import { createHttpService } from '../../lib/http/server.js';
import type { Logger } from '../../lib/log/logger.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import { registerQueueMetrics } from '../../lib/queue/queue-metrics.js';
import type { TaskQueue } from '../../lib/queue/queue.js';
import type { Storage } from '../../lib/storage/storage.js';
import { DecodeAdmission } from './admission.js';
import type { ConverterConfig } from './config.js';
import { markCrashed } from './convert-photo.js';
import { converterMetrics } from './metrics.js';
import { sweepStaleOriginals } from './pipeline/fetch-original.js';
import { checkHeifDecoder } from './pipeline/heif-decode.js';
import { conversionHandler } from './worker.js';

/** A download this old in the temp dir belongs to a converter that died mid-task. */
const STALE_DOWNLOAD_MS = 60 * 60_000;

export interface ConverterDeps {
  config: ConverterConfig;
  storage: Storage;
  /** Built from `config.queue`; its prefetch bounds the tasks in flight. */
  queue: TaskQueue<ConversionTask>;
  /** Where `photo.ready` and `photo.failed` go. */
  events: EventPublisher;
  registry: Registry;
  log: Logger;
}

/** The converter: a queue consumer, plus probes and metrics on its own port when run alone. */
export interface ConverterService {
  readiness: ReadinessMonitor;
  /**
   * With `listen`, serves /healthz, /readyz and /metrics on the admin port; then starts consuming,
   * resolving once the consumer is registered (however long the broker takes to answer).
   */
  start(options?: { listen?: boolean }): Promise<AddressInfo | undefined>;
  /** Stops the HTTP server and probes. The caller closes the queue (which waits for in-flight tasks) and storage. */
  stop(): Promise<void>;
}

export function createConverterService(deps: ConverterDeps): ConverterService {
  const { config, storage, queue, events, registry, log } = deps;
  // Throughput comes from converting `prefetch` photos side by side, one
  // libvips thread each; more threads per image only add hand-offs on 2 cores.
  sharp.concurrency(config.vipsThreads);
  // libvips' operation cache helps repeated identical pipelines; every task here is new.
  sharp.cache(false);
  const readiness = new ReadinessMonitor(
    [
      { name: 'storage', check: () => storage.ping() },
      {
        name: 'queue',
        check: () => {
          if (!queue.healthy()) throw new Error('not connected to the broker');
        },
      },
    ],
    log,
  );
  const admission = new DecodeAdmission(config.memoryBudgetBytes);
  const metrics = converterMetrics(registry);
  registerQueueMetrics(registry, queue);
  const http = createHttpService({ log, registry, readiness, routes: () => undefined });
  return {
    readiness,
    async start(options = {}) {
      // Said loudly at startup, not fatal: JPEG, PNG, WebP, AVIF, GIF and TIFF convert
      // without it (`enlarger dev` on a laptop without libheif), and a HEIC task that
      // meets the missing decoder is retried, its photo left processing, until it is installed.
      await checkHeifDecoder().catch((err: unknown) =>
        log.error(
          { error: messageOf(err) },
          'HEIC photos will wait in processing until the decoder is installed',
        ),
      );
      const swept = await sweepStaleOriginals(config.tmpDir, STALE_DOWNLOAD_MS);
      if (swept > 0) log.info({ files: swept, dir: config.tmpDir }, 'removed downloads left by a crash');
      await readiness.start();
      // Probes answer before the broker does: a converter started while RabbitMQ is down stays
      // alive and not ready (the queue check) until it connects, instead of failing its liveness probe.
      const address = options.listen
        ? await http.listenAdmin({ adminPort: config.adminPort, host: config.host })
        : undefined;
      await queue.consume(conversionHandler({ storage, config, log, admission, events }, metrics), {
        onPoison: (task, reason) => markCrashed(task, reason, { storage, events, log }),
      });
      log.info(
        { prefetch: config.queue.prefetch, sizes: config.sizes.map((s) => s.name) },
        'converter consuming',
      );
      return address;
    },
    async stop() {
      await http.close();
      readiness.stop();
    },
  };
}
