import type { OutputFormat } from '../../../lib/photos/formats.js';
import type { PhotoManifest } from '../../../lib/photos/manifest.js';
import type { ResizerMetrics } from '../metrics.js';
import { resolveFormat, type NegotiatedFormat } from '../request/negotiate.js';
import type { ResizeRequest } from '../request/parse.js';
import type { Deadline } from '../runtime/deadline.js';
import type { PhotoStore } from '../runtime/photo-store.js';
import { maxPixelsWithin, workingSetBytes } from './cost.js';
import { encode, type EncodeSettings, type Rendered } from './encode.js';
import { load, type LoadLimits } from './load.js';
import { orient } from './orient.js';
import { pickSource, type Source } from './pick-source.js';
import { originalSize, planResize, resize, type ResizeLimits } from './resize.js';
import { watermark, type OverlaySource, type WatermarkSettings } from './watermark.js';

export interface RenderSettings {
  load: LoadLimits;
  resize: ResizeLimits;
  /** The limiter's memory budget: outputs are kept to what fits it, per format. */
  memoryBytes: number;
  /**
   * Largest AVIF output in pixels. libvips cannot stop an AVIF encode once
   * it starts (the deadline's timeout only reaches pixel generation), so
   * AVIF is kept to a size whose worst-case encode fits the deadline.
   */
  avifMaxPixels: number;
  watermark: WatermarkSettings;
  encode: EncodeSettings;
}

export interface RenderDeps {
  photos: PhotoStore;
  overlays: OverlaySource;
  settings: RenderSettings;
  metrics: ResizerMetrics;
}

/** What is known before any pixel is decoded: enough to decide whether the render may start. */
export interface Prepared {
  manifest: PhotoManifest;
  source: Source;
  format: OutputFormat;
  limits: ResizeLimits;
  /** Estimated peak bytes of the render, for admission. */
  workingSetBytes: number;
}

/**
 * Pick source, settle the format and size the work, from the manifest alone.
 * `fmt=auto` falls back from AVIF to WebP past the AVIF pixel cap (the
 * browser accepts both; WebP can be cut at the deadline); an explicit
 * `fmt=avif` is scaled down to the cap instead, as the general pixel cap
 * does. Every output is also kept to the pixels whose working set fits the
 * memory budget in its format, so no single render can be refused for size
 * unless its decode alone is too big.
 */
export async function prepare(
  request: ResizeRequest,
  negotiated: NegotiatedFormat,
  deps: RenderDeps,
): Promise<Prepared> {
  const { settings } = deps;
  const done = deps.metrics.stepDuration.startTimer({ step: 'pick-source' });
  const manifest = await deps.photos.manifest(request.id).finally(done);
  let format = resolveFormat(negotiated, manifest.original.hasAlpha);
  // A JPEG of an Ultra HDR photo keeps its gain map, so it is cut from a source that has one.
  const source = pickSource(manifest, request, format === 'jpeg' && manifest.master?.gainMap === true);
  if (
    format === 'avif' &&
    request.format === 'auto' &&
    outputPixels(manifest, request, settings.resize) > settings.avifMaxPixels
  ) {
    format = 'webp';
  }
  const formatCap = format === 'avif' ? settings.avifMaxPixels : Infinity;
  const budgetCap = maxPixelsWithin(settings.memoryBytes, source, format);
  // A source whose decode alone exceeds the budget: the limiter refuses it with 422.
  const limits = {
    ...settings.resize,
    maxOutputPixels: Math.max(1, Math.min(settings.resize.maxOutputPixels, formatCap, budgetCap)),
  };
  const pixels = outputPixels(manifest, request, limits);
  return {
    manifest,
    source,
    format,
    limits,
    workingSetBytes: workingSetBytes({ source, outputPixels: pixels, format }),
  };
}

/**
 * Output pixels the request will get, before the source is opened. EXIF
 * orientation is not known yet, so both ways up are planned and the larger
 * counted.
 */
function outputPixels(manifest: PhotoManifest, request: ResizeRequest, limits: ResizeLimits): number {
  const { width, height } = manifest.original;
  return Math.max(
    ...[
      { width, height },
      { width: height, height: width },
    ].map((upright) => {
      const plan = planResize(upright, request, limits);
      return plan.width * plan.height;
    }),
  );
}

/**
 * The render half of the pipeline, after parse, verify and {@link prepare}:
 * load → orient → resize → watermark → encode. Each step is timed, the
 * deadline is checked before each one, and the steps that run libvips carry
 * the time left as sharp's timeout, which kills the libvips work itself.
 */
export async function renderPrepared(
  prepared: Prepared,
  request: ResizeRequest,
  deadline: Deadline,
  deps: RenderDeps,
): Promise<Rendered> {
  const { photos, overlays, settings, metrics } = deps;
  const { manifest, source, format } = prepared;
  const step = async <T>(name: string, run: () => T | Promise<T>): Promise<T> => {
    deadline.check(name);
    const done = metrics.stepDuration.startTimer({ step: name });
    try {
      return await run();
    } finally {
      done();
    }
  };

  const loaded = await step('load', async () => load(await photos.source(source.key), source, settings.load));
  const upright = await step('orient', () => orient(loaded));
  const { width, height } = manifest.original;
  const plan = planResize(originalSize(upright.upright, Math.max(width, height)), request, prepared.limits);
  const sized = await step('resize', () => resize(upright.image, plan));
  const marked = await step('watermark', () =>
    watermark(
      deadline.bound(sized),
      plan,
      request.watermark,
      manifest.photographer,
      overlays,
      settings.watermark,
    ),
  );
  const rendered = await step('encode', () =>
    encode(deadline.bound(marked), format, request.quality, settings.encode, source.gainMap),
  );
  metrics.renders.inc({ format });
  return rendered;
}

/** The whole render in one call (the in-process benchmark uses it). */
export async function render(
  request: ResizeRequest,
  negotiated: NegotiatedFormat,
  deadline: Deadline,
  deps: RenderDeps,
): Promise<Rendered> {
  deadline.check('pick-source');
  return renderPrepared(await prepare(request, negotiated, deps), request, deadline, deps);
}
