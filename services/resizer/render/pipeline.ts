import type { Deadline } from '../runtime/deadline.js';
import type { ResizerMetrics } from '../metrics.js';
import { resolveFormat, type NegotiatedFormat } from '../request/negotiate.js';
import type { PhotoStore } from '../runtime/photo-store.js';
import { encode, type EncodeSettings, type Rendered } from './encode.js';
import { load, type LoadLimits } from './load.js';
import { orient } from './orient.js';
import type { ResizeRequest } from '../request/parse.js';
import { pickSource } from './pick-source.js';
import { originalSize, planResize, resize, type ResizeLimits } from './resize.js';
import { watermark, type OverlaySource, type WatermarkSettings } from './watermark.js';

export interface RenderSettings {
  load: LoadLimits;
  resize: ResizeLimits;
  watermark: WatermarkSettings;
  encode: EncodeSettings;
}

export interface RenderDeps {
  photos: PhotoStore;
  overlays: OverlaySource;
  settings: RenderSettings;
  metrics: ResizerMetrics;
}

/**
 * The render half of the pipeline, after parse and verify (which run before
 * the cache is asked): pick source → load → orient → resize → watermark →
 * encode. Each step is timed, and the deadline is checked before each one.
 */
export async function render(
  request: ResizeRequest,
  negotiated: NegotiatedFormat,
  deadline: Deadline,
  deps: RenderDeps,
): Promise<Rendered> {
  const { photos, overlays, settings, metrics } = deps;
  const step = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
    deadline.check(name);
    const done = metrics.stepDuration.startTimer({ step: name });
    try {
      return await run();
    } finally {
      done();
    }
  };

  const { manifest, source } = await step('pick-source', async () => {
    const manifest = await photos.manifest(request.id);
    return { manifest, source: pickSource(manifest, request) };
  });
  const loaded = await step('load', async () => load(await photos.source(source.key), settings.load));
  const upright = await step('orient', () => orient(loaded));
  const { width, height } = manifest.original;
  const plan = planResize(originalSize(upright.upright, Math.max(width, height)), request, settings.resize);
  const sized = await step('resize', () => resize(upright.image, plan));
  const marked = await step('watermark', () =>
    watermark(sized, plan, request.watermark, manifest.photographer, overlays, settings.watermark),
  );
  const format = resolveFormat(negotiated, manifest.original.hasAlpha);
  const rendered = await step('encode', () => encode(marked, format, request.quality, settings.encode));
  metrics.renders.inc({ format });
  return rendered;
}
