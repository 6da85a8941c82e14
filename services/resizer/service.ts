import type { Express } from 'express';
import type { Registry } from 'prom-client';
import sharp from 'sharp';
import { ReadinessMonitor } from '../../lib/http/readiness.js';
import { createHttpService, type IdleConnections, type Listening } from '../../lib/http/server.js';
import type { EventListener } from '../../lib/events/publisher.js';
import type { Logger } from '../../lib/log/logger.js';
import { isPhotoId } from '../../lib/photos/keys.js';
import type { Storage } from '../../lib/storage/storage.js';
import { ByteCache } from './runtime/byte-cache.js';
import { BackgroundAvif } from './runtime/background-avif.js';
import { Coalescer } from './runtime/coalescer.js';
import type { ResizerConfig } from './config.js';
import { imageHandler } from './handler.js';
import { Limiter } from './runtime/limiter.js';
import { createResizerMetrics } from './metrics.js';
import { Overlays } from './runtime/overlays.js';
import { PhotoStore } from './runtime/photo-store.js';
import type { Rendered } from './render/encode.js';

export interface ResizerDeps {
  config: ResizerConfig;
  storage: Storage;
  registry: Registry;
  log: Logger;
}

/** The resizer, assembled but not yet listening; `dev` and `resizer` both start it. */
export interface ResizerService {
  app: Express;
  readiness: ReadinessMonitor;
  /**
   * What a photo event does here: `photo.deleted` and `photo.updated` drop
   * the photo's manifest, source files and outputs from this pod's caches,
   * so the next request reads storage (404 once deleted, the new record once changed).
   */
  onPhotoEvent: EventListener;
  /** Forgets every cached manifest: events may have been missed (the subscription was down). */
  forgetManifests: () => void;
  /** Probes storage and listens. */
  start(): Promise<Listening>;
  /** Stops accepting and lets in-flight renders finish. The caller closes storage. */
  stop(idle?: IdleConnections): Promise<void>;
}

export function createResizerService(deps: ResizerDeps): ResizerService {
  const { config, storage, registry, log } = deps;
  // One libvips thread per render: the slots already keep every core busy,
  // and sharp's own default is the core count on musl, which would
  // oversubscribe 2 cores with 2 slots.
  sharp.concurrency(config.vipsThreads);
  // libvips' operation cache pays off for repeated identical pipelines; every
  // render here is new, and turning it off gave 8 % more renders a second.
  sharp.cache(false);
  const readiness = new ReadinessMonitor([{ name: 'storage', check: () => storage.ping() }], log);
  const limiter = new Limiter(config.limiter);
  const outputs = new ByteCache<Rendered>(config.outputCacheBytes, (r) => r.body.length + 200);
  const photos = new PhotoStore(storage, config.photos);
  const overlays = new Overlays(storage, config.overlays);
  const metrics = createResizerMetrics(registry, {
    queued: () => limiter.queued,
    rendering: () => limiter.running,
    slots: config.limiter.slots,
    renderMemoryBytes: () => limiter.memoryInUse,
    outputCacheBytes: () => outputs.bytes,
    sourceCacheBytes: () => photos.sourceCacheBytes,
    overlayCacheBytes: () => overlays.cacheBytes,
  });
  const renderDeps = {
    photos,
    overlays,
    settings: config.render,
    metrics,
    outputs,
    renders: new Coalescer<Rendered>(),
    limiter,
  };
  const handler = imageHandler(config.handler, {
    ...renderDeps,
    background: new BackgroundAvif({ ...renderDeps, log }, config.handler.deadlineMs),
  });
  const http = createHttpService({
    log,
    registry,
    readiness,
    errorMaxAgeSeconds: config.errorMaxAgeSeconds,
    routes: (app) => {
      app.get('/v1/photos/:id', handler);
    },
  });
  return {
    app: http.app,
    readiness,
    onPhotoEvent: (event) => {
      if (event.type !== 'photo.deleted' && event.type !== 'photo.updated') return Promise.resolve();
      const id = event.data.photo.id;
      if (!isPhotoId(id)) return Promise.resolve();
      photos.forget(id);
      // Outputs are keyed by record version, so they could not be served anyway; this frees their bytes now.
      outputs.deletePrefix(`${id}|`);
      log.debug({ photoId: id, event: event.type }, 'forgot the photo');
      return Promise.resolve();
    },
    forgetManifests: () => photos.forgetManifests(),
    async start() {
      await readiness.start();
      return http.listen({ port: config.port, adminPort: config.adminPort, host: config.host });
    },
    async stop(idle) {
      await http.close(idle);
      readiness.stop();
    },
  };
}
