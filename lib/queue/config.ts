import { z } from 'zod';
import { envPositiveInt, envUrl } from '../config/parse-env.js';
import { defaultRetryPolicy } from './queue.js';

/** A comma-separated list of millisecond delays, `1000,5000,30000`. */
const envDelays = () =>
  z
    .string()
    .trim()
    .regex(/^\d+(\s*,\s*\d+)*$/, {
      message: 'must be a comma-separated list of milliseconds like 1000,5000,30000',
    })
    .transform((v) => v.split(',').map((s) => Number(s.trim())));

/** Queue defaults; the CRD (`operator/api/spec.ts`) reads them too. */
export const QUEUE_DEFAULTS = {
  name: 'enlarger.convert',
  /** One task at a time unless the consumer says otherwise (the converter does: CONVERTER_DEFAULTS.prefetch). */
  prefetch: 1,
} as const;

/**
 * Queue settings every service with a task queue reads. Merge into a service
 * schema with `z.object({ ...queueEnvSchema.shape, ... })`, then hand the
 * parsed values to {@link queueConfigFromEnv}.
 */
export const queueEnvSchema = z.object({
  QUEUE_KIND: z.enum(['memory', 'amqp'], { message: 'must be memory or amqp' }).default('amqp'),
  AMQP_URL: envUrl().default('amqp://guest:guest@127.0.0.1:5672'),
  QUEUE_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, { message: 'must be 1-200 letters, digits, ".", "_" or "-"' })
    .default(QUEUE_DEFAULTS.name),
  QUEUE_PREFETCH: envPositiveInt().default(QUEUE_DEFAULTS.prefetch),
  QUEUE_MAX_ATTEMPTS: envPositiveInt().default(defaultRetryPolicy.maxAttempts),
  QUEUE_RETRY_DELAYS_MS: envDelays().default(defaultRetryPolicy.delaysMs),
  QUEUE_PUBLISH_TIMEOUT_MS: envPositiveInt().default(10_000),
});

export type QueueEnv = z.infer<typeof queueEnvSchema>;

/** What {@link createQueue} needs; built from env by {@link queueConfigFromEnv} or by hand in tests. */
export type QueueConfig =
  | { kind: 'memory'; prefetch: number; retry: { maxAttempts: number; delaysMs: number[] } }
  | {
      kind: 'amqp';
      url: string;
      queue: string;
      prefetch: number;
      retry: { maxAttempts: number; delaysMs: number[] };
      publishTimeoutMs: number;
    };

export function queueConfigFromEnv(env: QueueEnv): QueueConfig {
  const retry = { maxAttempts: env.QUEUE_MAX_ATTEMPTS, delaysMs: env.QUEUE_RETRY_DELAYS_MS };
  if (env.QUEUE_KIND === 'memory') return { kind: 'memory', prefetch: env.QUEUE_PREFETCH, retry };
  return {
    kind: 'amqp',
    url: env.AMQP_URL,
    queue: env.QUEUE_NAME,
    prefetch: env.QUEUE_PREFETCH,
    retry,
    publishTimeoutMs: env.QUEUE_PUBLISH_TIMEOUT_MS,
  };
}
