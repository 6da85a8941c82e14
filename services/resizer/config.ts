import { z } from 'zod';
import {
  envBool,
  envBytes,
  envInt,
  envList,
  envNumber,
  envPositiveInt,
  parseEnv,
} from '../../lib/config/parse-env.js';
import { storageConfigFromEnv, storageEnvSchema, type StorageConfig } from '../../lib/storage/config.js';
import type { HandlerOptions } from './handler.js';
import type { LimiterOptions } from './runtime/limiter.js';
import type { OverlaySettings } from './runtime/overlays.js';
import type { PhotoStoreOptions } from './runtime/photo-store.js';
import type { RenderSettings } from './render/pipeline.js';
import { PLACEMENTS } from './render/placement.js';
import { logLevel } from '../../lib/log/logger.js';

const placement = z.enum(PLACEMENTS, { message: `must be one of ${PLACEMENTS.join(', ')}` });
const quality = () => envInt({ min: 1, max: 100 });

const schema = z.object({
  ...storageEnvSchema.shape,
  RESIZER_PORT: envInt({ min: 0, max: 65535 }).default(8081),
  RESIZER_HOST: z.string().default('0.0.0.0'),
  /** HMAC keys, comma-separated: the first signs, all verify. Empty serves unsigned URLs (development). */
  SIGNING_KEYS: envList().default([]),

  /** Renders at once. libvips already uses threads inside one render; more slots than cores only adds latency. */
  RESIZER_SLOTS: envPositiveInt().default(2),
  /** libvips worker threads per render; with one slot per core, one thread each wastes nothing on hand-offs. */
  RESIZER_VIPS_THREADS: envPositiveInt().default(1),
  /** Requests that may wait for a slot before the rest are shed with 503. */
  RESIZER_QUEUE_SIZE: envInt({ min: 0 }).default(16),
  RESIZER_RETRY_AFTER_SECONDS: envPositiveInt().default(1),
  /** Budget of one request, queueing included, checked between pipeline steps. */
  RESIZER_DEADLINE_MS: envPositiveInt().default(10_000),

  RESIZER_OUTPUT_CACHE_BYTES: envBytes().default(256 * 1024 ** 2),
  RESIZER_SOURCE_CACHE_BYTES: envBytes().default(256 * 1024 ** 2),
  /** Rendered watermark overlays, kept as raw pixels so stamping one costs no decode. */
  RESIZER_OVERLAY_CACHE_BYTES: envBytes().default(64 * 1024 ** 2),
  RESIZER_MANIFEST_TTL_MS: envPositiveInt().default(30_000),

  /** Largest w or h (after dpr) a URL may ask for. */
  RESIZER_MAX_DIMENSION: envPositiveInt().default(8192),
  RESIZER_MAX_OUTPUT_PIXELS: envPositiveInt().default(40_000_000),
  RESIZER_MAX_SOURCE_PIXELS: envPositiveInt().default(150_000_000),
  RESIZER_ALLOW_ENLARGE: envBool().default(false),

  RESIZER_AVIF: envBool().default(true),
  RESIZER_JPEG_QUALITY: quality().default(80),
  RESIZER_WEBP_QUALITY: quality().default(80),
  RESIZER_AVIF_QUALITY: quality().default(55),
  RESIZER_WEBP_EFFORT: envInt({ min: 0, max: 6 }).default(2),
  RESIZER_AVIF_EFFORT: envInt({ min: 0, max: 9 }).default(2),

  /** Storage key of the logo (PNG with alpha); unset draws attribution only. */
  RESIZER_WATERMARK_LOGO_KEY: z.string().min(1).optional(),
  RESIZER_WATERMARK_POSITION: placement.default('southeast'),
  RESIZER_WATERMARK_OPACITY: envNumber({ min: 0, max: 1 }).default(0.6),
  /** Logo width as a fraction of the output width. */
  RESIZER_WATERMARK_SCALE: envNumber({ min: 0.01, max: 1 }).default(0.15),
  RESIZER_ATTRIBUTION_POSITION: placement.default('southwest'),
  /** Credited as "© <name>" on photos that have no photographer on record. */
  RESIZER_WATERMARK_ATTRIBUTION: z.string().trim().min(1).max(200).optional(),
  /** Attribution text height as a fraction of the output width. */
  RESIZER_ATTRIBUTION_SCALE: envNumber({ min: 0.005, max: 0.2 }).default(0.025),
  /** Outputs narrower than this get neither logo nor attribution. */
  RESIZER_WATERMARK_MIN_WIDTH: envPositiveInt().default(320),
  /** Whether `wm=0` may drop the watermark (signed URLs make that the platform's choice). */
  RESIZER_WATERMARK_OPT_OUT: envBool().default(true),

  LOG_LEVEL: logLevel,

  // hardening (issue 10)
  /**
   * Estimated bytes the renders running at once may hold together; a render
   * waits until it fits. Sized so the process baseline (~100 MiB), full
   * caches (output, source, overlay) and this stay under a 1 GiB pod limit.
   */
  RESIZER_RENDER_MEMORY_BYTES: envBytes().default(320 * 1024 ** 2),
  /**
   * Largest AVIF output in pixels. An AVIF encode cannot be stopped at the
   * deadline; 2.1 MP (1920×1080) of noise takes about 4.5 s at effort 2 on
   * one thread. Past it, fmt=auto serves WebP and fmt=avif is scaled down.
   */
  RESIZER_AVIF_MAX_PIXELS: envPositiveInt().default(2_100_000),
});

export interface ResizerConfig {
  port: number;
  host: string;
  storage: StorageConfig;
  handler: HandlerOptions;
  limiter: LimiterOptions;
  outputCacheBytes: number;
  vipsThreads: number;
  photos: PhotoStoreOptions;
  render: RenderSettings;
  overlays: OverlaySettings;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
}

/** Parses the resizer's env vars; throws a ConfigError naming each bad variable. */
export function loadResizerConfig(env: Record<string, string | undefined> = process.env): ResizerConfig {
  const e = parseEnv(schema, env);
  return {
    port: e.RESIZER_PORT,
    host: e.RESIZER_HOST,
    storage: storageConfigFromEnv(e),
    handler: {
      parse: { maxDimension: e.RESIZER_MAX_DIMENSION, watermarkOptOut: e.RESIZER_WATERMARK_OPT_OUT },
      signingKeys: e.SIGNING_KEYS,
      avif: e.RESIZER_AVIF,
      deadlineMs: e.RESIZER_DEADLINE_MS,
    },
    limiter: {
      slots: e.RESIZER_SLOTS,
      queueSize: e.RESIZER_QUEUE_SIZE,
      retryAfterSeconds: e.RESIZER_RETRY_AFTER_SECONDS,
      memoryBytes: e.RESIZER_RENDER_MEMORY_BYTES,
    },
    outputCacheBytes: e.RESIZER_OUTPUT_CACHE_BYTES,
    vipsThreads: e.RESIZER_VIPS_THREADS,
    photos: { sourceCacheBytes: e.RESIZER_SOURCE_CACHE_BYTES, manifestTtlMs: e.RESIZER_MANIFEST_TTL_MS },
    render: {
      load: { maxSourcePixels: e.RESIZER_MAX_SOURCE_PIXELS },
      resize: { allowEnlarge: e.RESIZER_ALLOW_ENLARGE, maxOutputPixels: e.RESIZER_MAX_OUTPUT_PIXELS },
      avifMaxPixels: e.RESIZER_AVIF_MAX_PIXELS,
      memoryBytes: e.RESIZER_RENDER_MEMORY_BYTES,
      watermark: {
        minWidth: e.RESIZER_WATERMARK_MIN_WIDTH,
        logoPosition: e.RESIZER_WATERMARK_POSITION,
        attributionPosition: e.RESIZER_ATTRIBUTION_POSITION,
        defaultCredit: e.RESIZER_WATERMARK_ATTRIBUTION,
      },
      encode: {
        quality: { jpeg: e.RESIZER_JPEG_QUALITY, webp: e.RESIZER_WEBP_QUALITY, avif: e.RESIZER_AVIF_QUALITY },
        webpEffort: e.RESIZER_WEBP_EFFORT,
        avifEffort: e.RESIZER_AVIF_EFFORT,
      },
    },
    overlays: {
      logoKey: e.RESIZER_WATERMARK_LOGO_KEY,
      logoScale: e.RESIZER_WATERMARK_SCALE,
      logoOpacity: e.RESIZER_WATERMARK_OPACITY,
      textScale: e.RESIZER_ATTRIBUTION_SCALE,
      cacheBytes: e.RESIZER_OVERLAY_CACHE_BYTES,
    },
    logLevel: e.LOG_LEVEL,
  };
}
