import { z } from 'zod';
import { envPositiveInt, envSecret, envUrl } from '../config/parse-env.js';
import { envDelays } from '../queue/config.js';
import { QUEUE_NAME_PATTERN } from '../queue/queue.js';

/** Event defaults; the CRD (`operator/api/spec.ts`) reads them too. */
export const EVENTS_DEFAULTS = {
  exchange: 'enlarger.events',
  webhookQueue: 'enlarger.events.webhook',
  /**
   * A site down for a deploy or an afternoon gets its events when it is back:
   * 30 attempts, the last delay repeating, span about 24 hours before the
   * event is parked on `<queue>.dlq` (still kept, for a person to replay).
   */
  webhookMaxAttempts: 30,
  webhookRetryDelaysMs: [1_000, 5_000, 30_000, 120_000, 600_000, 3_600_000],
  webhookTimeoutMs: 10_000,
} as const;

const amqpName = () =>
  z.string().trim().regex(QUEUE_NAME_PATTERN, { message: 'must be 1-200 letters, digits, ".", "_" or "-"' });

/** What every service that emits photo events reads: where they go. */
export const eventsEnvSchema = z.object({
  /** The durable topic exchange on the task queue's broker; routing key = event type. */
  EVENTS_EXCHANGE: amqpName().default(EVENTS_DEFAULTS.exchange),
});

/**
 * The webhook relay's settings (media runs it). Without a URL there is no
 * relay and no queue; with one, the key is required.
 */
export const webhookEnvSchema = z.object({
  EVENTS_WEBHOOK_URL: envUrl().optional(),
  /** HMAC-SHA256 key of the `Enlarger-Signature` header; from a Secret. */
  EVENTS_WEBHOOK_SECRET: envSecret(
    z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  ),
  /** The durable queue bound to the exchange that holds events until the site takes them. */
  EVENTS_WEBHOOK_QUEUE: amqpName().default(EVENTS_DEFAULTS.webhookQueue),
  EVENTS_WEBHOOK_MAX_ATTEMPTS: envPositiveInt().default(EVENTS_DEFAULTS.webhookMaxAttempts),
  EVENTS_WEBHOOK_RETRY_DELAYS_MS: envDelays().default([...EVENTS_DEFAULTS.webhookRetryDelaysMs]),
  EVENTS_WEBHOOK_TIMEOUT_MS: envPositiveInt().default(EVENTS_DEFAULTS.webhookTimeoutMs),
});

/** Where the relay POSTs, and how it retries. */
export interface WebhookConfig {
  url: string;
  key: string;
  queue: string;
  retry: { maxAttempts: number; delaysMs: number[] };
  timeoutMs: number;
}

/** The webhook from parsed env, or undefined when none is set (a URL without a key is refused by the service's schema). */
export function webhookConfigFromEnv(e: z.infer<typeof webhookEnvSchema>): WebhookConfig | undefined {
  if (!e.EVENTS_WEBHOOK_URL || !e.EVENTS_WEBHOOK_SECRET) return undefined;
  return {
    url: e.EVENTS_WEBHOOK_URL,
    key: e.EVENTS_WEBHOOK_SECRET,
    queue: e.EVENTS_WEBHOOK_QUEUE,
    retry: { maxAttempts: e.EVENTS_WEBHOOK_MAX_ATTEMPTS, delaysMs: e.EVENTS_WEBHOOK_RETRY_DELAYS_MS },
    timeoutMs: e.EVENTS_WEBHOOK_TIMEOUT_MS,
  };
}
