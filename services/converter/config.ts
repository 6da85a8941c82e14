import os from 'node:os';
import { z } from 'zod';
import { envInt, envPositiveInt, parseEnv } from '../../lib/config/parse-env.js';
import { queueConfigFromEnv, queueEnvSchema, type QueueConfig } from '../../lib/queue/config.js';
import { storageConfigFromEnv, storageEnvSchema, type StorageConfig } from '../../lib/storage/config.js';
import { logLevel } from '../../lib/log/logger.js';

/** One output rendition, derived from the master. */
export const sizeSpec = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1-32 lowercase letters, digits, - or _'),
  width: z.number().int().positive().max(8192),
  height: z.number().int().positive().max(8192).optional(),
  fit: z.enum(['cover', 'contain', 'fill', 'inside', 'outside']).default('inside'),
  format: z.enum(['jpeg', 'webp', 'avif', 'png']).default('jpeg'),
  quality: z.number().int().min(1).max(100).default(80),
});
export type SizeSpec = z.infer<typeof sizeSpec>;

export const DEFAULT_SIZES: SizeSpec[] = [
  { name: 'thumb', width: 320, height: 320, fit: 'cover', format: 'webp', quality: 75 },
  { name: 'small', width: 640, fit: 'inside', format: 'jpeg', quality: 80 },
  { name: 'medium', width: 1280, fit: 'inside', format: 'jpeg', quality: 82 },
  { name: 'large', width: 1920, fit: 'inside', format: 'webp', quality: 80 },
];

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

const schema = z.object({
  ...storageEnvSchema.shape,
  ...queueEnvSchema.shape,
  /** Tasks converted at once: one per core converts side by side without contention. */
  QUEUE_PREFETCH: envPositiveInt().default(2),
  CONVERTER_PORT: envInt({ min: 0, max: 65535 }).default(8082),
  CONVERTER_HOST: z.string().default('0.0.0.0'),
  CONVERTER_SIZES: sizesJson.default(DEFAULT_SIZES),
  CONVERTER_MASTER_MAX_EDGE: envPositiveInt().default(2048),
  CONVERTER_MASTER_FORMAT: z.enum(['jpeg', 'webp'], { message: 'must be jpeg or webp' }).default('jpeg'),
  CONVERTER_MASTER_QUALITY: envInt({ min: 1, max: 100 }).default(88),
  /** libvips worker threads per image. With one task per core, one thread each wastes nothing on hand-offs. */
  CONVERTER_VIPS_THREADS: envPositiveInt().default(1),
  /** Refuse to decode more pixels than this (a guard behind media's limits). */
  CONVERTER_MAX_PIXELS: envPositiveInt().default(150_000_000),
  CONVERTER_TMP_DIR: z.string().default(os.tmpdir()),
  LOG_LEVEL: logLevel,
});

export interface MasterSpec {
  maxEdge: number;
  format: 'jpeg' | 'webp';
  quality: number;
}

export interface ConverterConfig {
  port: number;
  host: string;
  sizes: SizeSpec[];
  master: MasterSpec;
  storage: StorageConfig;
  /** Its prefetch is the number of tasks converted at once. */
  queue: QueueConfig;
  vipsThreads: number;
  maxPixels: number;
  tmpDir: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
}

/** Parses the converter's env vars; throws a ConfigError naming each bad variable. */
export function loadConverterConfig(env: Record<string, string | undefined> = process.env): ConverterConfig {
  const e = parseEnv(schema, env);
  return {
    port: e.CONVERTER_PORT,
    host: e.CONVERTER_HOST,
    sizes: e.CONVERTER_SIZES,
    master: {
      maxEdge: e.CONVERTER_MASTER_MAX_EDGE,
      format: e.CONVERTER_MASTER_FORMAT,
      quality: e.CONVERTER_MASTER_QUALITY,
    },
    storage: storageConfigFromEnv(e),
    queue: queueConfigFromEnv(e),
    vipsThreads: e.CONVERTER_VIPS_THREADS,
    maxPixels: e.CONVERTER_MAX_PIXELS,
    tmpDir: e.CONVERTER_TMP_DIR,
    logLevel: e.LOG_LEVEL,
  };
}
