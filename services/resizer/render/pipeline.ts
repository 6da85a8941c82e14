import type { Sharp } from 'sharp';
import type { OutputFormat } from '../../../lib/photos/formats.js';
import type { PhotoManifest } from '../../../lib/photos/manifest.js';
import { inSpan } from '../../../lib/tracing/span.js';
import type { ResizerMetrics } from '../metrics.js';
import { resolveFormat, type NegotiatedFormat } from '../request/negotiate.js';
import type { ResizeRequest } from '../request/parse.js';
import type { Deadline } from '../runtime/deadline.js';
import type { PhotoStore } from '../runtime/photo-store.js';
import { maxPixelsWithin, workingSetBytes } from './cost.js';
import { encode, type EncodeSettings, type Rendered } from './encode.js';
import { load, type LoadedImage, type LoadLimits } from './load.js';
import { orient } from './orient.js';
import { pickSource, type Source } from './pick-source.js';
import {
  originalSize,
  planResize,
  resize,
  type Dimensions,
  type ResizeLimits,
  type ResizePlan,
} from './resize.js';
import { watermark, type OverlaySource, type WatermarkSettings } from './watermark.js';

export interface RenderSettings {
  load: LoadLimits;
  resize: ResizeLimits;
  /** The limiter's memory budget: outputs are kept to what fits it, per format. */
  memoryBytes: number;
  /**
   * Largest AVIF output rendered on a request's path. libvips cannot stop an
   * AVIF encode once it starts (the deadline's timeout only reaches pixel
   * generation), so AVIF there is kept to a size whose worst-case encode
   * fits the deadline. Background renders are not held to it.
   */
  avifMaxPixels: number;
  /** RESIZER_SOURCE_MARGIN: how many times the asked size a stored copy must hold (`pickSource`). */
  sourceMargin: number;
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

/** Reads the photo's manifest, then {@link plan}s the render. */
export async function prepare(
  request: ResizeRequest,
  negotiated: NegotiatedFormat,
  deps: RenderDeps,
): Promise<Prepared> {
  const done = deps.metrics.stepDuration.startTimer({ step: 'pick-source' });
  const manifest = await deps.photos.manifest(request.id).finally(done);
  return plan(manifest, request, negotiated, deps.settings);
}

/** Where a render runs: on a request's path, or in the background after its stand-in was answered. */
export type RenderPath = 'request' | 'background';

/**
 * Settle the format ({@link resolveFormat}), pick the source and size the
 * work, from the manifest alone. On the request path an AVIF output is
 * scaled down to the AVIF pixel cap, as the general pixel cap does; in the
 * background no request waits for the encode, so the cap does not apply and
 * the asked size comes back. Every output is also kept to the pixels whose
 * working set fits the memory budget in its format, so no single render can
 * be refused for size unless its decode alone is too big.
 */
export function plan(
  manifest: PhotoManifest,
  request: ResizeRequest,
  negotiated: NegotiatedFormat,
  settings: RenderSettings,
  path: RenderPath = 'request',
): Prepared {
  const avifCap = path === 'request' ? settings.avifMaxPixels : Infinity;
  const format = resolveFormat(
    negotiated,
    request.format,
    {
      hasAlpha: manifest.original.hasAlpha,
      outputPixels: () => outputPixels(manifest, request, settings.resize),
    },
    avifCap,
  );
  // A JPEG of an Ultra HDR photo keeps its gain map, so it is cut from a source that has one.
  const source = pickSource(
    manifest,
    request,
    format === 'jpeg' && manifest.master?.gainMap === true,
    settings.sourceMargin,
  );
  const formatCap = format === 'avif' ? avifCap : Infinity;
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
 * Output pixels the request will get, before the source is opened. The
 * original's EXIF orientation is not in the manifest, but the master is
 * stored upright, so its shape tells which way up the original is; without
 * one (a photo still converting) both ways up are planned and the larger
 * counted.
 */
function outputPixels(manifest: PhotoManifest, request: ResizeRequest, limits: ResizeLimits): number {
  return Math.max(
    ...uprightCandidates(manifest).map((upright) => {
      const planned = planResize(upright, request, limits);
      return planned.width * planned.height;
    }),
  );
}

/** The original's size the right way up, or both ways when that is not known yet. */
function uprightCandidates(manifest: PhotoManifest): Dimensions[] {
  const { width, height } = manifest.original;
  const turned = { width: height, height: width };
  const master = manifest.master;
  if (!master || master.width === master.height) return [{ width, height }, turned];
  return master.width > master.height === width > height ? [{ width, height }] : [turned];
}

/** What the render steps hand on to each other; each sets what the next one reads. */
interface RenderWork {
  readonly prepared: Prepared;
  readonly request: ResizeRequest;
  readonly deadline: Deadline;
  readonly deps: RenderDeps;
  loaded?: LoadedImage;
  /** The libvips pipeline built so far; nothing is decoded until a step renders it. */
  image?: Sharp;
  sizing?: ResizePlan;
  rendered?: Rendered;
}

interface RenderStep {
  /** The `step` label of `enlarger_resizer_step_duration_seconds`, and the deadline's. */
  readonly name: string;
  run(work: RenderWork): void | Promise<void>;
}

/** A value an earlier step sets; missing only if the list below is misordered. */
function after<T>(value: T | undefined, step: string): T {
  if (value === undefined) throw new Error(`render step run before ${step}`);
  return value;
}

/**
 * The render half of the pipeline, in order (imgproxy's `mainPipeline` is
 * the model): the request half (parse → canonical → verify → negotiate →
 * manifest → output cache → {@link plan}) is the handler's.
 */
export const RENDER_STEPS: readonly RenderStep[] = [
  {
    name: 'load',
    async run(work) {
      const { source } = work.prepared;
      work.loaded = await load(await work.deps.photos.source(source.key), source, work.deps.settings.load);
    },
  },
  {
    name: 'orient',
    run(work) {
      const { image, upright } = orient(after(work.loaded, 'load'));
      const { width, height } = work.prepared.manifest.original;
      work.image = image;
      work.sizing = planResize(
        originalSize(upright, Math.max(width, height)),
        work.request,
        work.prepared.limits,
      );
    },
  },
  {
    name: 'resize',
    run(work) {
      work.image = resize(after(work.image, 'orient'), after(work.sizing, 'orient'));
    },
  },
  {
    name: 'watermark',
    async run(work) {
      const { request, prepared, deps, deadline } = work;
      work.image = await watermark(
        deadline.bound(after(work.image, 'resize')),
        after(work.sizing, 'orient'),
        request.watermark,
        prepared.manifest.photographer,
        deps.overlays,
        deps.settings.watermark,
      );
    },
  },
  {
    name: 'encode',
    async run(work) {
      const { request, prepared, deps, deadline } = work;
      work.rendered = await encode(
        deadline.bound(after(work.image, 'watermark')),
        prepared.format,
        request.quality,
        deps.settings.encode,
        prepared.source.gainMap,
      );
    },
  },
];

/**
 * Runs {@link RENDER_STEPS} for a {@link prepare}d request. Each step is
 * timed, the deadline is checked before each one, and the steps that run
 * libvips carry the time left as sharp's timeout, which kills the libvips
 * work itself.
 */
export async function renderPrepared(
  prepared: Prepared,
  request: ResizeRequest,
  deadline: Deadline,
  deps: RenderDeps,
): Promise<Rendered> {
  const work: RenderWork = { prepared, request, deadline, deps };
  for (const step of RENDER_STEPS) {
    deadline.check(step.name);
    const done = deps.metrics.stepDuration.startTimer({ step: step.name });
    try {
      // A span per step, under the request's; with tracing off, the step alone.
      await inSpan(step.name, async () => step.run(work));
    } finally {
      done();
    }
  }
  deps.metrics.renders.inc({ format: prepared.format });
  return after(work.rendered, 'encode');
}
