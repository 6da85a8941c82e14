import { Registry } from 'prom-client';
import sharp from 'sharp';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { loadResizerConfig, type ResizerConfig } from '../../services/resizer/config.js';
import { createResizerMetrics } from '../../services/resizer/metrics.js';
import type { RenderDeps } from '../../services/resizer/render/pipeline.js';
import { Overlays } from '../../services/resizer/runtime/overlays.js';
import { PhotoStore } from '../../services/resizer/runtime/photo-store.js';

/**
 * The resizer's render pipeline in this process, without HTTP, on the seeded
 * filesystem store in `dataDir` (bench/resizer/seed.ts: logo and attribution
 * on), with libvips set up as createResizerService sets it. For benchmarks
 * that price the pipeline's own steps.
 */
export function inProcessRenderer(
  dataDir: string,
  registry = new Registry(),
): { config: ResizerConfig; deps: RenderDeps } {
  const config = loadResizerConfig({
    STORAGE_KIND: 'fs',
    DATA_DIR: dataDir,
    RESIZER_WATERMARK_LOGO_KEY: 'branding/logo.png',
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
