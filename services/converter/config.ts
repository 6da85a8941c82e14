import os from 'node:os';
import { z } from 'zod';
import { envBytes, envInt, envPositiveInt, parseEnv } from '../../lib/config/parse-env.js';
import { eventsEnvSchema } from '../../lib/events/config.js';
import { queueConfigFromEnv, queueEnvSchema, type QueueConfig } from '../../lib/queue/config.js';
import { storageConfigFromEnv, storageEnvSchema, type StorageConfig } from '../../lib/storage/config.js';
import { logFormat, logLevel } from '../../lib/log/logger.js';
import { commitEnv, packageVersion, type BuildInfo } from '../../lib/build/version.js';
import { tracingConfigFromEnv, tracingEnvSchema, type TracingConfig } from '../../lib/tracing/config.js';
import { CHROMA, MASTER_FORMATS, type Chroma, type MasterFormat } from '../../lib/photos/formats.js';
import { IMAGE_LIMITS } from '../../lib/photos/limits.js';
import { DEFAULT_SIZES, sizeSpec, type SizeSpec } from './sizes.js';

export type { SizeSpec } from './sizes.js';

// Named before the defaults so the budget below is derived from them, not written again.
const MEMORY_LIMIT_BYTES = 1024 ** 3;
const MEMORY_BUDGET_FRACTION = 0.6;

/**
 * The converter's defaults, in their own units. The env schema below and the
 * CRD (`operator/api/spec.ts`) both read them, so `enlarger converter` run by
 * hand and a pod the operator renders behave the same.
 */
export const CONVERTER_DEFAULTS = {
  adminPort: 9092,
  /**
   * Tasks converted at once. Two, one per core of the reference 2-core pod:
   * the benchmark's throughput comes from two photos side by side, and two
   * progressive 18 MP conversions peak at ~350 MB, a third of the 1 GiB limit.
   */
  prefetch: 2,
  master: { maxEdge: 2048, format: 'jpeg', quality: 88, chroma: '4:2:0' },
  sizes: DEFAULT_SIZES,
  /** The pod's memory limit the CRD defaults to, which the budget below is a share of. */
  memoryLimitBytes: MEMORY_LIMIT_BYTES,
  /**
   * Share of the memory limit that decodes may hold at once (see
   * `admission.ts`); the rest is the runtime's, sharp's and the encoders'.
   */
  memoryBudgetFraction: MEMORY_BUDGET_FRACTION,
  memoryBudgetBytes: decodeMemoryBudget(MEMORY_LIMIT_BYTES, MEMORY_BUDGET_FRACTION),
} as const;

/**
 * The decode budget of a pod of `limitBytes`: the share `fraction` of it.
 * The operator derives CONVERTER_MEMORY_BUDGET from the pod's limit with it.
 */
export function decodeMemoryBudget(limitBytes: number, fraction: number): number {
  return Math.floor(limitBytes * fraction);
}

const sizesJson = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of sizes' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(sizeSpec, { message: 'must be a JSON array of {name, width, height?, fit, format, quality}' })
      .refine((sizes) => new Set(sizes.map((s) => s.name)).size === sizes.length, 'must have unique names'),
  );

/** Every variable the converter reads: names, formats and defaults. The operator renders into its input type. */
export const converterEnvSchema = z.object({
  ...storageEnvSchema.shape,
  ...queueEnvSchema.shape,
  ...eventsEnvSchema.shape,
  ...tracingEnvSchema.shape,
  QUEUE_PREFETCH: envPositiveInt().default(CONVERTER_DEFAULTS.prefetch),
  /** Port of /healthz, /readyz and /metrics; the converter has no public API. */
  CONVERTER_ADMIN_PORT: envInt({ min: 0, max: 65535 }).default(CONVERTER_DEFAULTS.adminPort),
  CONVERTER_HOST: z.string().default('0.0.0.0'),
  CONVERTER_SIZES: sizesJson.default(CONVERTER_DEFAULTS.sizes),
  CONVERTER_MASTER_MAX_EDGE: envPositiveInt().default(CONVERTER_DEFAULTS.master.maxEdge),
  CONVERTER_MASTER_FORMAT: z
    .enum(MASTER_FORMATS, { message: `must be ${MASTER_FORMATS.join(' or ')}` })
    .default(CONVERTER_DEFAULTS.master.format),
  CONVERTER_MASTER_QUALITY: envInt({ min: 1, max: 100 }).default(CONVERTER_DEFAULTS.master.quality),
  /** Chroma subsampling of the JPEG master and JPEG sizes: what the resizer's renders can keep of colour edges. */
  CONVERTER_JPEG_CHROMA: z
    .enum(CHROMA, { message: `must be ${CHROMA.join(' or ')}` })
    .default(CONVERTER_DEFAULTS.master.chroma),
  /** libvips worker threads per image. With one task per core, one thread each wastes nothing on hand-offs. */
  CONVERTER_VIPS_THREADS: envPositiveInt().default(1),
  /** Refuse to decode more pixels than this: the platform's `spec.limits`, which media applies first. */
  CONVERTER_MAX_PIXELS: envPositiveInt().default(IMAGE_LIMITS.maxPixels),
  /** Estimated decode memory of the tasks converted at once; a task that would exceed it waits. */
  CONVERTER_MEMORY_BUDGET: envBytes().default(CONVERTER_DEFAULTS.memoryBudgetBytes),
  CONVERTER_TMP_DIR: z.string().default(os.tmpdir()),
  LOG_LEVEL: logLevel,
  LOG_FORMAT: logFormat,
  ...commitEnv,
});

/** The converter's environment as the operator writes it: every value a string, every name checked. */
export type ConverterEnv = z.input<typeof converterEnvSchema>;

export interface MasterSpec {
  maxEdge: number;
  format: MasterFormat;
  quality: number;
  /** Of the master and every JPEG size. */
  chroma: Chroma;
}

export interface ConverterConfig {
  adminPort: number;
  host: string;
  sizes: SizeSpec[];
  master: MasterSpec;
  storage: StorageConfig;
  /** Its prefetch is the most tasks converted at once; the memory budget may admit fewer. */
  queue: QueueConfig;
  /** The topic exchange `photo.ready` and `photo.failed` go to, on the queue's broker. */
  eventsExchange: string;
  vipsThreads: number;
  maxPixels: number;
  memoryBudgetBytes: number;
  tmpDir: string;
  /** OpenTelemetry export, when OTEL_EXPORTER_OTLP_ENDPOINT is set. */
  tracing: TracingConfig | undefined;
  logLevel: z.infer<typeof converterEnvSchema>['LOG_LEVEL'];
  logFormat: z.infer<typeof converterEnvSchema>['LOG_FORMAT'];
  /** Reported as enlarger_build_info on /metrics. */
  build: BuildInfo;
}

/** Parses the converter's env vars; throws a ConfigError naming each bad variable. */
export function loadConverterConfig(env: Record<string, string | undefined> = process.env): ConverterConfig {
  const e = parseEnv(converterEnvSchema, env);
  return {
    adminPort: e.CONVERTER_ADMIN_PORT,
    host: e.CONVERTER_HOST,
    sizes: e.CONVERTER_SIZES,
    master: {
      maxEdge: e.CONVERTER_MASTER_MAX_EDGE,
      format: e.CONVERTER_MASTER_FORMAT,
      quality: e.CONVERTER_MASTER_QUALITY,
      chroma: e.CONVERTER_JPEG_CHROMA,
    },
    storage: storageConfigFromEnv(e),
    queue: queueConfigFromEnv(e),
    eventsExchange: e.EVENTS_EXCHANGE,
    vipsThreads: e.CONVERTER_VIPS_THREADS,
    maxPixels: e.CONVERTER_MAX_PIXELS,
    memoryBudgetBytes: e.CONVERTER_MEMORY_BUDGET,
    tmpDir: e.CONVERTER_TMP_DIR,
    tracing: tracingConfigFromEnv(e, 'converter'),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    build: { version: packageVersion(), commit: e.ENLARGER_COMMIT },
  };
}
