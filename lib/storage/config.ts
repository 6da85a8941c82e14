import { z } from 'zod';
import { ConfigError, envBool, envPositiveInt, envUrl } from '../config/parse-env.js';

/** Storage defaults; the CRD (`operator/api/spec.ts`) reads them too. */
export const STORAGE_DEFAULTS = {
  /** What AWS assumes without a region, and what MinIO expects unless configured otherwise. */
  region: 'us-east-1',
  /** Virtual-hosted buckets, as AWS wants; MinIO and most self-hosted servers need path style. */
  forcePathStyle: false,
} as const;

/**
 * Storage settings every service reads. Merge into a service schema with
 * `z.object({ ...storageEnvSchema.shape, ... })`, then hand the parsed values
 * to {@link storageConfigFromEnv}, which also checks the S3 variables are
 * there when STORAGE_KIND=s3.
 */
export const storageEnvSchema = z.object({
  STORAGE_KIND: z.enum(['fs', 's3'], { message: 'must be fs or s3' }).default('fs'),
  DATA_DIR: z.string().trim().min(1, { message: 'must be a directory path' }).default('./data'),
  S3_ENDPOINT: envUrl().optional(),
  S3_REGION: z
    .string()
    .trim()
    .min(1, { message: 'must be a region name like us-east-1' })
    .default(STORAGE_DEFAULTS.region),
  S3_BUCKET: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      message: 'must be a bucket name (3-63 of a-z, 0-9, ".", "-")',
    })
    .optional(),
  S3_FORCE_PATH_STYLE: envBool().default(STORAGE_DEFAULTS.forcePathStyle),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_MAX_ATTEMPTS: envPositiveInt().default(2),
  S3_CONNECT_TIMEOUT_MS: envPositiveInt().default(2_000),
  S3_SOCKET_TIMEOUT_MS: envPositiveInt().default(15_000),
});

export type StorageEnv = z.infer<typeof storageEnvSchema>;

/** What {@link createStorage} needs; built from env by {@link storageConfigFromEnv} or by hand in tests. */
export type StorageConfig =
  | { kind: 'fs'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      region: string;
      endpoint?: string;
      forcePathStyle: boolean;
      credentials?: { accessKeyId: string; secretAccessKey: string };
      maxAttempts: number;
      connectTimeoutMs: number;
      socketTimeoutMs: number;
    };

export function storageConfigFromEnv(env: StorageEnv): StorageConfig {
  if (env.STORAGE_KIND === 'fs') return { kind: 'fs', dir: env.DATA_DIR };
  const problems: string[] = [];
  if (!env.S3_BUCKET) problems.push('S3_BUCKET is required when STORAGE_KIND=s3, got nothing');
  // Both or neither: neither means the SDK's own chain (instance role, IRSA).
  if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together, got only one');
  }
  if (problems.length > 0 || !env.S3_BUCKET) throw new ConfigError(problems);
  return {
    kind: 's3',
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
    maxAttempts: env.S3_MAX_ATTEMPTS,
    connectTimeoutMs: env.S3_CONNECT_TIMEOUT_MS,
    socketTimeoutMs: env.S3_SOCKET_TIMEOUT_MS,
  };
}
