import { z } from 'zod';
import {
  envBool,
  envBytes,
  envInt,
  envKeys,
  envPositiveInt,
  envUrl,
  parseEnv,
} from '../../lib/config/parse-env.js';
import { IMAGE_FORMATS, imageFormat, type ImageFormat } from '../../lib/photos/formats.js';
import { IMAGE_LIMITS } from '../../lib/photos/limits.js';
import {
  eventsEnvSchema,
  webhookConfigFromEnv,
  webhookEnvSchema,
  type WebhookConfig,
} from '../../lib/events/config.js';
import { queueConfigFromEnv, queueEnvSchema, type QueueConfig } from '../../lib/queue/config.js';
import { storageConfigFromEnv, storageEnvSchema, type StorageConfig } from '../../lib/storage/config.js';
import { logFormat, logLevel } from '../../lib/log/logger.js';

const formatList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim().toLowerCase()))
  .pipe(
    z.array(imageFormat, {
      message: `must be a comma-separated list of ${IMAGE_FORMATS.join(', ')}`,
    }),
  );

/**
 * HS256 keys shorter than the hash (32 bytes) weaken it (RFC 7518 3.2);
 * `openssl rand -base64 32` makes one of 44 characters.
 */
export const MIN_UPLOAD_KEY_LENGTH = 32;

/** Media's defaults, in their own units; the env schema and the CRD both read them. */
export const MEDIA_DEFAULTS = {
  port: 8080,
  adminPort: 9090,
  /** Photographers upload camera originals and panoramas of hundreds of MB; they stream, never buffer. */
  maxBytes: 1024 ** 3,
  /**
   * Uploads in progress at once. On S3 each can hold up to (queue size + 1)
   * parts of 8 MiB: 16 stalled uploads that had sent 24 MiB each took media to
   * 513 MiB, past the default 512 Mi pod, so 8.
   */
  maxUploads: 8,
} as const;

/** Every variable media reads: names, formats and defaults. The operator renders into its input type. */
export const mediaEnvSchema = z
  .object({
    ...storageEnvSchema.shape,
    ...queueEnvSchema.shape,
    ...eventsEnvSchema.shape,
    ...webhookEnvSchema.shape,
    MEDIA_PORT: envInt({ min: 0, max: 65535 }).default(MEDIA_DEFAULTS.port),
    /** Port of /healthz, /readyz and /metrics, kept off the public API port. */
    MEDIA_ADMIN_PORT: envInt({ min: 0, max: 65535 }).default(MEDIA_DEFAULTS.adminPort),
    MEDIA_HOST: z.string().default('0.0.0.0'),
    /** Largest upload accepted; larger answers 413 (at once when Content-Length says so). */
    MEDIA_MAX_BYTES: envBytes().default(MEDIA_DEFAULTS.maxBytes),
    /** Largest decoded image, width × height of one frame; larger answers 422. The platform's `spec.limits`. */
    MEDIA_MAX_PIXELS: envPositiveInt().default(IMAGE_LIMITS.maxPixels),
    MEDIA_MAX_WIDTH: envPositiveInt().default(IMAGE_LIMITS.maxDimension),
    MEDIA_MAX_HEIGHT: envPositiveInt().default(IMAGE_LIMITS.maxDimension),
    MEDIA_ALLOWED_FORMATS: formatList.default(IMAGE_FORMATS),
    /**
     * Keys of the upload tokens `POST /v1/photos` then requires: the first
     * signs (`enlarger sign-upload`), all verify, so a key rotates. Empty: uploads are open.
     */
    MEDIA_UPLOAD_KEYS: envKeys(MIN_UPLOAD_KEY_LENGTH),
    /**
     * Leading bytes read before deciding. JPEG headers with big EXIF/ICC/XMP
     * segments need more than a few KiB; the rest of the upload is never held.
     */
    MEDIA_HEAD_BYTES: envBytes().default(512 * 1024),
    /**
     * How far past MEDIA_HEAD_BYTES the head is read when JPEG segments or PNG
     * chunks of metadata still fill it; more metadata than this before the
     * image header answers 422 metadata_too_large. Held once per upload in progress.
     */
    MEDIA_METADATA_BYTES: envBytes().default(4 * 1024 * 1024),
    /** A photo still `processing` this long after its last (re)publish is re-enqueued. */
    MEDIA_SWEEP_AFTER_SECONDS: envPositiveInt().default(300),
    MEDIA_SWEEP_INTERVAL_SECONDS: envPositiveInt().default(60),
    LOG_LEVEL: logLevel,
    LOG_FORMAT: logFormat,
    // Hardening: bounds on work in progress, so overload is refused rather than taken.
    /**
     * Uploads in progress at once; past it, 503 with Retry-After at once. On S3
     * each can hold up to (queue size + 1) parts of 8 MiB: 16 stalled uploads
     * that had sent 24 MiB each took media to 513 MiB, past a 512 Mi pod, so 8.
     */
    MEDIA_MAX_UPLOADS: envPositiveInt().default(MEDIA_DEFAULTS.maxUploads),
    MEDIA_UPLOAD_RETRY_AFTER_SECONDS: envPositiveInt().default(2),
    /** Slowest average an upload may keep up after its first MEDIA_UPLOAD_IDLE_SECONDS; slower is cut off. */
    MEDIA_MIN_UPLOAD_BYTES_PER_SECOND: envBytes().default(64 * 1024),
    /** An upload that sends no byte for this long is cut off. */
    MEDIA_UPLOAD_IDLE_SECONDS: envPositiveInt().default(30),
    /** Time allowed for a request's headers. */
    MEDIA_HEADERS_TIMEOUT_SECONDS: envPositiveInt().default(15),
    /**
     * Serve the dev page at `/` (upload, gallery, detail) and its `/dev/api/`.
     * Off unless set: it lists every photo and links resizer URLs for anyone who
     * can reach media. `enlarger dev` turns it on.
     */
    MEDIA_DEV_PAGE: envBool().default(false),
    /** Where the dev page's browser reaches the resizer, e.g. http://localhost:8081. */
    MEDIA_DEV_RESIZER_URL: envUrl().optional(),
  })
  // Refined rather than defaulted: media does not own the resizer's port.
  .refine((e) => !e.MEDIA_DEV_PAGE || e.MEDIA_DEV_RESIZER_URL !== undefined, {
    path: ['MEDIA_DEV_RESIZER_URL'],
    message: 'is required when MEDIA_DEV_PAGE is true',
  })
  // A URL without a key would POST events the site cannot trust.
  .refine((e) => !e.EVENTS_WEBHOOK_URL || e.EVENTS_WEBHOOK_SECRET !== undefined, {
    path: ['EVENTS_WEBHOOK_SECRET'],
    message: 'is required when EVENTS_WEBHOOK_URL is set',
  });

/** Media's environment as the operator writes it: every value a string, every name checked. */
export type MediaEnv = z.input<typeof mediaEnvSchema>;

export interface MediaLimits {
  maxBytes: number;
  maxPixels: number;
  maxWidth: number;
  maxHeight: number;
  allowedFormats: ImageFormat[];
  headBytes: number;
  /** The most the head grows to while it is still metadata (MEDIA_METADATA_BYTES). */
  metadataBytes: number;
}

/** How many uploads may run at once, and how slowly. */
export interface UploadPolicy {
  maxConcurrent: number;
  retryAfterSeconds: number;
  minBytesPerSecond: number;
  idleMs: number;
  headersTimeoutMs: number;
  /** Headers, then the largest upload at the slowest rate allowed, plus the idle grace. */
  requestTimeoutMs: number;
}

export interface MediaConfig {
  port: number;
  adminPort: number;
  host: string;
  limits: MediaLimits;
  uploads: UploadPolicy;
  /** MEDIA_UPLOAD_KEYS; empty when uploads need no token. */
  uploadKeys: string[];
  sweep: { afterMs: number; intervalMs: number };
  storage: StorageConfig;
  queue: QueueConfig;
  /** The exchange photo events go to (media publishes `photo.deleted`). */
  eventsExchange: string;
  /** The webhook relay media runs, when EVENTS_WEBHOOK_URL is set. */
  webhook: WebhookConfig | undefined;
  logLevel: z.infer<typeof mediaEnvSchema>['LOG_LEVEL'];
  logFormat: z.infer<typeof mediaEnvSchema>['LOG_FORMAT'];
  /** The dev page, when MEDIA_DEV_PAGE is on: where its images come from. */
  devPage: { resizerUrl: string } | undefined;
}

/** Parses the media service's env vars; throws a ConfigError naming each bad variable. */
export function loadMediaConfig(env: Record<string, string | undefined> = process.env): MediaConfig {
  const e = parseEnv(mediaEnvSchema, env);
  return {
    port: e.MEDIA_PORT,
    adminPort: e.MEDIA_ADMIN_PORT,
    host: e.MEDIA_HOST,
    limits: {
      maxBytes: e.MEDIA_MAX_BYTES,
      maxPixels: e.MEDIA_MAX_PIXELS,
      maxWidth: e.MEDIA_MAX_WIDTH,
      maxHeight: e.MEDIA_MAX_HEIGHT,
      allowedFormats: e.MEDIA_ALLOWED_FORMATS,
      headBytes: e.MEDIA_HEAD_BYTES,
      metadataBytes: Math.max(e.MEDIA_HEAD_BYTES, e.MEDIA_METADATA_BYTES),
    },
    uploads: uploadPolicy(e),
    uploadKeys: e.MEDIA_UPLOAD_KEYS,
    sweep: { afterMs: e.MEDIA_SWEEP_AFTER_SECONDS * 1000, intervalMs: e.MEDIA_SWEEP_INTERVAL_SECONDS * 1000 },
    storage: storageConfigFromEnv(e),
    queue: queueConfigFromEnv(e),
    eventsExchange: e.EVENTS_EXCHANGE,
    webhook: webhookConfigFromEnv(e),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    devPage:
      e.MEDIA_DEV_PAGE && e.MEDIA_DEV_RESIZER_URL
        ? { resizerUrl: e.MEDIA_DEV_RESIZER_URL.replace(/\/+$/, '') }
        : undefined,
  };
}

function uploadPolicy(e: z.infer<typeof mediaEnvSchema>): UploadPolicy {
  const headersTimeoutMs = e.MEDIA_HEADERS_TIMEOUT_SECONDS * 1000;
  const idleMs = e.MEDIA_UPLOAD_IDLE_SECONDS * 1000;
  const transferMs = Math.ceil((e.MEDIA_MAX_BYTES / e.MEDIA_MIN_UPLOAD_BYTES_PER_SECOND) * 1000);
  return {
    maxConcurrent: e.MEDIA_MAX_UPLOADS,
    retryAfterSeconds: e.MEDIA_UPLOAD_RETRY_AFTER_SECONDS,
    minBytesPerSecond: e.MEDIA_MIN_UPLOAD_BYTES_PER_SECOND,
    idleMs,
    headersTimeoutMs,
    requestTimeoutMs: headersTimeoutMs + idleMs + transferMs,
  };
}
