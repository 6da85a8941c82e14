import { Registry } from 'prom-client';
import sharp from 'sharp';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { loadResizerConfig, type ResizerConfig } from '../../services/resizer/config.js';
import { createResizerMetrics } from '../../services/resizer/metrics.js';
import { render, type RenderDeps } from '../../services/resizer/render/pipeline.js';
import { negotiateFormat } from '../../services/resizer/request/negotiate.js';
import { parseRequest } from '../../services/resizer/request/parse.js';
import { Deadline } from '../../services/resizer/runtime/deadline.js';
import { Overlays } from '../../services/resizer/runtime/overlays.js';
import { PhotoStore } from '../../services/resizer/runtime/photo-store.js';
import { MISS_WIDTHS } from './urls.js';

/**
 * The resizer's render pipeline in this process, without HTTP, on the seeded
 * filesystem store in `dataDir` (bench/resizer/seed.ts: logo and attribution
 * on), with libvips set up as createResizerService sets it. For benchmarks
 * that price the pipeline's own steps. RESIZER_VIPS_THREADS from the
 * environment, when set, prices the service's setting of that name.
 */
export function inProcessRenderer(
  dataDir: string,
  registry = new Registry(),
): { config: ResizerConfig; deps: RenderDeps } {
  const config = loadResizerConfig({
    STORAGE_KIND: 'fs',
    DATA_DIR: dataDir,
    RESIZER_WATERMARK_LOGO_KEY: 'branding/logo.png',
    ...(process.env.RESIZER_VIPS_THREADS && { RESIZER_VIPS_THREADS: process.env.RESIZER_VIPS_THREADS }),
  });
  sharp.concurrency(config.vipsThreads);
  sharp.cache(false);
  const storage = new FsStorage(dataDir);
  // No queue, slots or caches to report: the metrics are here for the step timings.
  const live = {
    queued: () => 0,
    rendering: () => 0,
    renderMemoryBytes: () => 0,
    outputCacheBytes: () => 0,
    sourceCacheBytes: () => 0,
  };
  return {
    config,
    deps: {
      photos: new PhotoStore(storage, config.photos),
      overlays: new Overlays(storage, config.overlays),
      settings: config.render,
      metrics: createResizerMetrics(registry, { ...live, slots: 2 }),
    },
  };
}

/**
 * One render of a public resizer URL (`/v1/photos/<id>?w=…`), as the handler
 * runs it minus HTTP: parsed, negotiated without an Accept header (no AVIF),
 * rendered under the service's deadline.
 */
export function urlRenderer(
  config: ResizerConfig,
  deps: RenderDeps,
): (photoId: string, url: string) => Promise<void> {
  return async (photoId, url) => {
    const { searchParams } = new URL(url, 'http://bench.invalid');
    const request = parseRequest(photoId, searchParams, config.handler.parse);
    const deadline = new Deadline(config.handler.deadlineMs);
    try {
      await render(request, negotiateFormat(request.format, undefined, { avif: false }), deadline, deps);
    } finally {
      deadline.dispose();
    }
  };
}

/**
 * Renders every fifth width of the miss mix once, so the source and overlay
 * caches are warm, as a running service has them, before anything is timed.
 */
export async function warmUp(renderNth: (n: number) => Promise<unknown>): Promise<void> {
  for (let n = 0; n < MISS_WIDTHS; n += 5) await renderNth(n);
}
