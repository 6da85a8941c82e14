import { z } from 'zod';
import { envPositiveInt } from '../config/parse-env.js';
import { amqpUrlProblem, splitAmqpUrls } from './amqp-endpoints.js';
import { QUEUE_TYPES, type QueueType } from './amqp-topology.js';
import {
  DEFAULT_PREFETCH,
  DEFAULT_PUBLISH_TIMEOUT_MS,
  defaultRetryPolicy,
  QUEUE_NAME_PATTERN,
} from './queue.js';

/** A comma-separated list of millisecond delays, `1000,5000,30000`. */
export const envDelays = () =>
  z
    .string()
    .trim()
    .regex(/^\d+(\s*,\s*\d+)*$/, {
      message: 'must be a comma-separated list of milliseconds like 1000,5000,30000',
    })
    .transform((v) => v.split(',').map((s) => Number(s.trim())));

/** One AMQP URL, or several nodes of one cluster separated by commas. */
const envAmqpUrls = () =>
  z
    .string()
    .trim()
    .refine((v) => splitAmqpUrls(v).length > 0 && splitAmqpUrls(v).every((u) => !amqpUrlProblem(u)), {
      message: 'must be amqp:// or amqps:// URLs separated by commas',
    });

/** A PEM block; the value itself is never echoed back by a config error for a key. */
const envPem = (what: string) =>
  z.string().refine((v) => v.includes('-----BEGIN '), { message: `must be a PEM ${what}` });

/** Queue defaults; the CRD (`operator/api/spec.ts`) reads them too. */
export const QUEUE_DEFAULTS = {
  name: 'enlarger.convert',
  /** One task at a time unless the consumer says otherwise (the converter does: CONVERTER_DEFAULTS.prefetch). */
  prefetch: DEFAULT_PREFETCH,
  /** Replicated over the broker's nodes; `classic` for a single node or a broker older than 3.10. */
  type: 'quorum' as QueueType,
} as const;

/**
 * Queue settings every service with a task queue reads. Merge into a service
 * schema with `z.object({ ...queueEnvSchema.shape, ... })`, then hand the
 * parsed values to {@link queueConfigFromEnv}.
 */
export const queueEnvSchema = z.object({
  QUEUE_KIND: z.enum(['memory', 'amqp'], { message: 'must be memory or amqp' }).default('amqp'),
  AMQP_URL: envAmqpUrls().default('amqp://guest:guest@127.0.0.1:5672'),
  /** CA bundle that signs the broker's certificate, for amqps:// URLs; default: Node's built-in CAs. */
  AMQP_TLS_CA: envPem('certificate').optional(),
  /** Client certificate and key, for a broker that asks for one (peer verification). */
  AMQP_TLS_CERT: envPem('certificate').optional(),
  AMQP_TLS_KEY: z.string().min(1).optional(),
  /** Replace the user and password of every AMQP_URL, so that they can come from a Secret of their own. */
  AMQP_USERNAME: z.string().min(1).optional(),
  AMQP_PASSWORD: z.string().min(1).optional(),
  QUEUE_TYPE: z.enum(QUEUE_TYPES, { message: 'must be quorum or classic' }).default(QUEUE_DEFAULTS.type),
  QUEUE_NAME: z
    .string()
    .trim()
    .regex(QUEUE_NAME_PATTERN, { message: 'must be 1-200 letters, digits, ".", "_" or "-"' })
    .default(QUEUE_DEFAULTS.name),
  QUEUE_PREFETCH: envPositiveInt().default(QUEUE_DEFAULTS.prefetch),
  QUEUE_MAX_ATTEMPTS: envPositiveInt().default(defaultRetryPolicy.maxAttempts),
  QUEUE_RETRY_DELAYS_MS: envDelays().default(defaultRetryPolicy.delaysMs),
  QUEUE_PUBLISH_TIMEOUT_MS: envPositiveInt().default(DEFAULT_PUBLISH_TIMEOUT_MS),
});

export type QueueEnv = z.infer<typeof queueEnvSchema>;

/** What {@link createQueue} needs; built from env by {@link queueConfigFromEnv} or by hand in tests. */
export type QueueConfig =
  | { kind: 'memory'; prefetch: number; retry: { maxAttempts: number; delaysMs: number[] } }
  | {
      kind: 'amqp';
      url: string;
      tls?: { ca?: string; cert?: string; key?: string };
      queue: string;
      type: QueueType;
      prefetch: number;
      retry: { maxAttempts: number; delaysMs: number[] };
      publishTimeoutMs: number;
    };

export function queueConfigFromEnv(env: QueueEnv): QueueConfig {
  const retry = { maxAttempts: env.QUEUE_MAX_ATTEMPTS, delaysMs: env.QUEUE_RETRY_DELAYS_MS };
  if (env.QUEUE_KIND === 'memory') return { kind: 'memory', prefetch: env.QUEUE_PREFETCH, retry };
  return {
    kind: 'amqp',
    url: withCredentials(env.AMQP_URL, env.AMQP_USERNAME, env.AMQP_PASSWORD),
    ...tlsFromEnv(env),
    queue: env.QUEUE_NAME,
    type: env.QUEUE_TYPE,
    prefetch: env.QUEUE_PREFETCH,
    retry,
    publishTimeoutMs: env.QUEUE_PUBLISH_TIMEOUT_MS,
  };
}

function tlsFromEnv(env: QueueEnv): { tls?: { ca?: string; cert?: string; key?: string } } {
  const tls = { ca: env.AMQP_TLS_CA, cert: env.AMQP_TLS_CERT, key: env.AMQP_TLS_KEY };
  const given = Object.entries(tls).filter(([, v]) => v !== undefined);
  return given.length > 0 ? { tls: Object.fromEntries(given) } : {};
}

/** `urls` (comma-separated) with `username` and `password` in each, where given. */
function withCredentials(urls: string, username?: string, password?: string): string {
  if (username === undefined && password === undefined) return urls;
  return splitAmqpUrls(urls)
    .map((raw) => {
      const url = new URL(raw);
      if (username !== undefined) url.username = encodeURIComponent(username);
      if (password !== undefined) url.password = encodeURIComponent(password);
      return url.toString();
    })
    .join(',');
}
