import { z } from 'zod';
import {
  envBool,
  envBytes,
  envInt,
  envList,
  envNumber,
  envPositiveInt,
  envSecret,
  parseEnv,
} from '../../lib/config/parse-env.js';
import { eventsEnvSchema } from '../../lib/events/config.js';
import { queueConfigFromEnv, queueEnvSchema } from '../../lib/queue/config.js';
import { storageConfigFromEnv, storageEnvSchema, type StorageConfig } from '../../lib/storage/config.js';
import type { HandlerOptions } from './handler.js';
import type { LimiterOptions } from './runtime/limiter.js';
import type { OverlaySettings } from './runtime/overlays.js';
import type { PhotoStoreOptions } from './runtime/photo-store.js';
import type { RenderSettings } from './render/pipeline.js';
import { PLACEMENTS } from './render/placement.js';
import { logFormat, logLevel } from '../../lib/log/logger.js';
import { commitEnv, packageVersion, type BuildInfo } from '../../lib/build/version.js';
import { tracingConfigFromEnv, tracingEnvSchema, type TracingConfig } from '../../lib/tracing/config.js';
import { CHROMA } from '../../lib/photos/formats.js';
import { IMAGE_LIMITS } from '../../lib/photos/limits.js';
import { resizerMemoryPlan } from './memory-plan.js';

const placement = z.enum(PLACEMENTS, { message: `must be one of ${PLACEMENTS.join(', ')}` });
const quality = () => envInt({ min: 1, max: 100 });
const chroma = z.enum(CHROMA, { message: `must be ${CHROMA.join(' or ')}` });

/** The resizer's defaults, in their own units; the env schema and the CRD both read them. */
export const RESIZER_DEFAULTS = {
  port: 8081,
  adminPort: 9091,
  /** One render per core of the reference 2-core pod: libvips gains nothing from more. */
  slots: 2,
  /**
   * Requests that may wait per pod; the autoscaler's queue target is a share
   * of this, so the operator always sets both.
   */
  queueSize: 16,
  /** The pod's memory limit the CRD defaults to; the caches and render budget are shared out of it. */
  memoryLimitBytes: 1024 ** 3,
  /** Budget of one request, queueing included; the operator sizes the pod's drain from it. */
  deadlineMs: 10_000,
  watermark: { position: 'southeast', opacity: 0.6, scale: 0.15, minWidth: 320 },
  /** `wm=0` is refused unless the platform allows it: the watermark is the photographer's credit. */
  watermarkOptOut: false,
} as const;

/** How the default 1 GiB pod, and `enlarger dev`, spend their memory: the schema's defaults. */
const DEFAULT_PLAN = resizerMemoryPlan(RESIZER_DEFAULTS.memoryLimitBytes);

/** Every variable the resizer reads: names, formats and defaults. The operator renders into its input type. */
export const resizerEnvSchema = z.object({
  ...storageEnvSchema.shape,
  ...tracingEnvSchema.shape,
  // The broker's address only: the resizer takes no tasks, it hears photo events.
  ...queueEnvSchema.shape,
  ...eventsEnvSchema.shape,
  /**
   * Hear `photo.deleted` and `photo.updated` on EVENTS_EXCHANGE (a queue of
   * this process's own on AMQP_URL, connected in the background: a broker
   * that is down never stops serving) and drop the photo from the caches at
   * once. Off, or with QUEUE_KIND=memory, a deleted or changed photo is
   * noticed within RESIZER_MANIFEST_TTL_MS. `enlarger dev` uses its in-process bus.
   */
  RESIZER_EVENTS: envBool().default(true),
  RESIZER_PORT: envInt({ min: 0, max: 65535 }).default(RESIZER_DEFAULTS.port),
  /** Port of /healthz, /readyz and /metrics (the autoscaler scrapes it), kept off the CDN-facing port. */
  RESIZER_ADMIN_PORT: envInt({ min: 0, max: 65535 }).default(RESIZER_DEFAULTS.adminPort),
  RESIZER_HOST: z.string().default('0.0.0.0'),
  /** HMAC keys, comma-separated: the first signs, all verify. Empty serves unsigned URLs (development). */
  // Secret, so no config error ever repeats it; no minimum length, as keys already deployed may be short.
  SIGNING_KEYS: envSecret(envList().default([])),

  /** Renders at once. libvips already uses threads inside one render; more slots than cores only adds latency. */
  RESIZER_SLOTS: envPositiveInt().default(RESIZER_DEFAULTS.slots),
  /** libvips worker threads per render; with one slot per core, one thread each wastes nothing on hand-offs. */
  RESIZER_VIPS_THREADS: envPositiveInt().default(1),
  /** Requests that may wait for a slot before the rest are shed with 503. */
  RESIZER_QUEUE_SIZE: envInt({ min: 0 }).default(RESIZER_DEFAULTS.queueSize),
  RESIZER_RETRY_AFTER_SECONDS: envPositiveInt().default(1),
  /** Budget of one request, queueing included, checked between pipeline steps. */
  RESIZER_DEADLINE_MS: envPositiveInt().default(RESIZER_DEFAULTS.deadlineMs),

  // The cache sizes and the render budget are one plan of the pod's limit (memory-plan.ts); the operator renders all four.
  RESIZER_OUTPUT_CACHE_BYTES: envBytes().default(DEFAULT_PLAN.outputCacheBytes),
  RESIZER_SOURCE_CACHE_BYTES: envBytes().default(DEFAULT_PLAN.sourceCacheBytes),
  /** Rendered watermark overlays, kept as raw pixels so stamping one costs no decode. */
  RESIZER_OVERLAY_CACHE_BYTES: envBytes().default(DEFAULT_PLAN.overlayCacheBytes),
  /**
   * How long a manifest is trusted before it is read again: the bound on
   * serving a deleted or re-attributed photo when its event is not heard.
   */
  RESIZER_MANIFEST_TTL_MS: envPositiveInt().default(30_000),

  /** Largest w or h (after dpr) a URL may ask for. */
  RESIZER_MAX_DIMENSION: envPositiveInt().default(8192),
  RESIZER_MAX_OUTPUT_PIXELS: envPositiveInt().default(40_000_000),
  /** Largest source decoded (an original while its photo converts): the platform's `spec.limits`. */
  RESIZER_MAX_SOURCE_PIXELS: envPositiveInt().default(IMAGE_LIMITS.maxPixels),
  RESIZER_ALLOW_ENLARGE: envBool().default(false),

  RESIZER_AVIF: envBool().default(true),
  /**
   * fmt=auto: while the AVIF of an output is not rendered yet, answer with
   * the next accepted format (WebP) under a short max-age and render the
   * AVIF in the background when a slot is idle; once cached it is served as
   * immutable. On by default: an AVIF encode costs about 4× a JPEG's, and
   * `make bench-peers` (browsers vs browsers-bg) measures what the request
   * path gains. The operator and `enlarger dev` leave it to this default.
   */
  RESIZER_AVIF_BACKGROUND: envBool().default(true),
  /** max-age of a stand-in answered while its AVIF renders: how soon a CDN or browser asks again. */
  RESIZER_AVIF_FALLBACK_MAX_AGE_SECONDS: envPositiveInt().default(60),
  /**
   * max-age of a render of a photo that is not `ready` yet, rendered from the
   * original: how long a CDN may show it before asking again. The converted
   * photo may render other bytes, or the conversion may fail; past this
   * bound plus RESIZER_MANIFEST_TTL_MS no cache serves it.
   */
  RESIZER_PROCESSING_MAX_AGE_SECONDS: envPositiveInt().default(10),
  /**
   * max-age of the errors that follow from the URL or the photo's record
   * (400, 403, 404, 422): long enough to shield the resizer from a flood of
   * one bad URL, short enough that a photo or key added later shows up.
   * Overload, timeouts and outages answer no-store whatever this is.
   */
  RESIZER_ERROR_MAX_AGE_SECONDS: envPositiveInt().default(60),
  RESIZER_JPEG_QUALITY: quality().default(80),
  RESIZER_WEBP_QUALITY: quality().default(80),
  RESIZER_AVIF_QUALITY: quality().default(55),
  RESIZER_WEBP_EFFORT: envInt({ min: 0, max: 6 }).default(2),
  RESIZER_AVIF_EFFORT: envInt({ min: 0, max: 9 }).default(2),
  /** mozjpeg's trellis quantisation on the (baseline) JPEG output. */
  RESIZER_JPEG_TRELLIS: envBool().default(false),
  RESIZER_JPEG_CHROMA: chroma.default('4:2:0'),
  RESIZER_AVIF_CHROMA: chroma.default('4:4:4'),
  /**
   * How many times the asked size a stored copy must hold to be rendered
   * from (else the largest copy that covers it). 1: the smallest that covers,
   * cheapest to decode; 2: a lossy copy downscaled 2×, its artefacts mostly
   * averaged away (issue 29).
   */
  RESIZER_SOURCE_MARGIN: envNumber({ min: 1, max: 4 }).default(1),

  /** Storage key of the logo (PNG with alpha); unset draws attribution only. */
  RESIZER_WATERMARK_LOGO_KEY: z.string().min(1).optional(),
  RESIZER_WATERMARK_POSITION: placement.default(RESIZER_DEFAULTS.watermark.position),
  RESIZER_WATERMARK_OPACITY: envNumber({ min: 0, max: 1 }).default(RESIZER_DEFAULTS.watermark.opacity),
  /** Logo width as a fraction of the output width. */
  RESIZER_WATERMARK_SCALE: envNumber({ min: 0.01, max: 1 }).default(RESIZER_DEFAULTS.watermark.scale),
  RESIZER_ATTRIBUTION_POSITION: placement.default('southwest'),
  /** Credited as "© <name>" on photos that have no photographer on record. */
  RESIZER_WATERMARK_ATTRIBUTION: z.string().trim().min(1).max(200).optional(),
  /** Attribution text height as a fraction of the output width. */
  RESIZER_ATTRIBUTION_SCALE: envNumber({ min: 0.005, max: 0.2 }).default(0.025),
  /** Outputs narrower than this get neither logo nor attribution. */
  RESIZER_WATERMARK_MIN_WIDTH: envPositiveInt().default(RESIZER_DEFAULTS.watermark.minWidth),
  /** Whether `wm=0` may drop the watermark. Off by default: it is the photographer's credit. */
  RESIZER_WATERMARK_OPT_OUT: envBool().default(RESIZER_DEFAULTS.watermarkOptOut),

  LOG_LEVEL: logLevel,
  LOG_FORMAT: logFormat,
  ...commitEnv,

  // Hardening: bounds on work in progress, so overload is refused rather than taken.
  /**
   * Estimated bytes the renders running at once may hold together; a render
   * waits until it fits. Sized so the runtime, the native memory the
   * allocator keeps, full caches and this add up to a 1 GiB pod limit.
   */
  RESIZER_RENDER_MEMORY_BYTES: envBytes().default(DEFAULT_PLAN.renderBytes),
  /**
   * Largest AVIF output in pixels. An AVIF encode cannot be stopped at the
   * deadline; 2.1 MP (1920×1080) of noise takes about 4.5 s at effort 2 on
   * one thread. Past it, on the request path, fmt=auto serves WebP and
   * fmt=avif is scaled down; a background render keeps the asked size.
   */
  RESIZER_AVIF_MAX_PIXELS: envPositiveInt().default(2_100_000),
});

/** The resizer's environment as the operator writes it: every value a string, every name checked. */
export type ResizerEnv = z.input<typeof resizerEnvSchema>;

export interface ResizerConfig {
  port: number;
  adminPort: number;
  host: string;
  storage: StorageConfig;
  handler: HandlerOptions;
  limiter: LimiterOptions;
  outputCacheBytes: number;
  /** max-age of the errors a cache may keep; see RESIZER_ERROR_MAX_AGE_SECONDS. */
  errorMaxAgeSeconds: number;
  vipsThreads: number;
  photos: PhotoStoreOptions;
  render: RenderSettings;
  overlays: OverlaySettings;
  /** OpenTelemetry export, when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing: TracingConfig | undefined;
  /** Where photo events are heard (RESIZER_EVENTS on an AMQP queue config), else undefined. */
  events: { url: string; tls?: { ca?: string; cert?: string; key?: string }; exchange: string } | undefined;
  logLevel: z.infer<typeof resizerEnvSchema>['LOG_LEVEL'];
  logFormat: z.infer<typeof resizerEnvSchema>['LOG_FORMAT'];
  /** Reported as enlarger_build_info on /metrics. */
  build: BuildInfo;
}

/** Parses the resizer's env vars; throws a ConfigError naming each bad variable. */
export function loadResizerConfig(env: Record<string, string | undefined> = process.env): ResizerConfig {
  const e = parseEnv(resizerEnvSchema, env);
  return {
    port: e.RESIZER_PORT,
    adminPort: e.RESIZER_ADMIN_PORT,
    host: e.RESIZER_HOST,
    storage: storageConfigFromEnv(e),
    handler: {
      parse: { maxDimension: e.RESIZER_MAX_DIMENSION, watermarkOptOut: e.RESIZER_WATERMARK_OPT_OUT },
      signingKeys: e.SIGNING_KEYS,
      avif: e.RESIZER_AVIF,
      avifBackground: e.RESIZER_AVIF_BACKGROUND,
      avifFallbackMaxAgeSeconds: e.RESIZER_AVIF_FALLBACK_MAX_AGE_SECONDS,
      processingMaxAgeSeconds: e.RESIZER_PROCESSING_MAX_AGE_SECONDS,
      deadlineMs: e.RESIZER_DEADLINE_MS,
    },
    limiter: {
      slots: e.RESIZER_SLOTS,
      queueSize: e.RESIZER_QUEUE_SIZE,
      retryAfterSeconds: e.RESIZER_RETRY_AFTER_SECONDS,
      memoryBytes: e.RESIZER_RENDER_MEMORY_BYTES,
    },
    outputCacheBytes: e.RESIZER_OUTPUT_CACHE_BYTES,
    errorMaxAgeSeconds: e.RESIZER_ERROR_MAX_AGE_SECONDS,
    vipsThreads: e.RESIZER_VIPS_THREADS,
    photos: { sourceCacheBytes: e.RESIZER_SOURCE_CACHE_BYTES, manifestTtlMs: e.RESIZER_MANIFEST_TTL_MS },
    events: eventsFrom(e),
    render: {
      load: { maxSourcePixels: e.RESIZER_MAX_SOURCE_PIXELS },
      resize: { allowEnlarge: e.RESIZER_ALLOW_ENLARGE, maxOutputPixels: e.RESIZER_MAX_OUTPUT_PIXELS },
      avifMaxPixels: e.RESIZER_AVIF_MAX_PIXELS,
      sourceMargin: e.RESIZER_SOURCE_MARGIN,
      memoryBytes: e.RESIZER_RENDER_MEMORY_BYTES,
      watermark: {
        minWidth: e.RESIZER_WATERMARK_MIN_WIDTH,
        logoPosition: e.RESIZER_WATERMARK_POSITION,
        attributionPosition: e.RESIZER_ATTRIBUTION_POSITION,
        defaultCredit: e.RESIZER_WATERMARK_ATTRIBUTION,
      },
      encode: {
        quality: { jpeg: e.RESIZER_JPEG_QUALITY, webp: e.RESIZER_WEBP_QUALITY, avif: e.RESIZER_AVIF_QUALITY },
        jpegTrellis: e.RESIZER_JPEG_TRELLIS,
        jpegChroma: e.RESIZER_JPEG_CHROMA,
        webpEffort: e.RESIZER_WEBP_EFFORT,
        avifEffort: e.RESIZER_AVIF_EFFORT,
        avifChroma: e.RESIZER_AVIF_CHROMA,
      },
    },
    overlays: {
      logoKey: e.RESIZER_WATERMARK_LOGO_KEY,
      logoScale: e.RESIZER_WATERMARK_SCALE,
      logoOpacity: e.RESIZER_WATERMARK_OPACITY,
      textScale: e.RESIZER_ATTRIBUTION_SCALE,
      cacheBytes: e.RESIZER_OVERLAY_CACHE_BYTES,
    },
    tracing: tracingConfigFromEnv(e, 'resizer'),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    build: { version: packageVersion(), commit: e.ENLARGER_COMMIT },
  };
}

function eventsFrom(e: z.infer<typeof resizerEnvSchema>): ResizerConfig['events'] {
  const queue = queueConfigFromEnv(e);
  if (!e.RESIZER_EVENTS || queue.kind !== 'amqp') return undefined;
  return { url: queue.url, ...(queue.tls && { tls: queue.tls }), exchange: e.EVENTS_EXCHANGE };
}
