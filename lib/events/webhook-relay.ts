import { UnrecoverableError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { TaskHandler } from '../queue/queue.js';
import type { WebhookConfig } from './config.js';
import { photoEvent, type PhotoEvent } from './photo-event.js';
import { SIGNATURE_HEADER, signWebhook } from './signature.js';

/** The site did not take an event: retried after the queue's next delay. */
export class WebhookRejectedError extends Error {
  constructor(
    readonly status: number,
    url: string,
  ) {
    super(`webhook ${url} answered ${status}`);
    this.name = 'WebhookRejectedError';
  }
}

/**
 * POSTs each event to the site, signed (see `signature.ts`), as CloudEvents
 * structured JSON. Any answer but 2xx, a timeout or a refused connection is
 * transient: the queue retries it on its ladder of delays and parks it on the
 * dead-letter queue when they are spent, so a site that is down loses nothing.
 * Only a message that is not a photo event is unrecoverable.
 */
export function webhookHandler(
  webhook: Pick<WebhookConfig, 'url' | 'key' | 'timeoutMs'>,
  log: Logger,
): TaskHandler<PhotoEvent> {
  return async (message, { attempt }) => {
    const parsed = photoEvent.safeParse(message);
    if (!parsed.success) throw new UnrecoverableError(`not a photo event: ${parsed.error.message}`);
    const event = parsed.data;
    const body = JSON.stringify(event);
    const response = await fetch(webhook.url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/cloudevents+json; charset=utf-8',
        [SIGNATURE_HEADER]: signWebhook(webhook.key, body),
      },
      signal: AbortSignal.timeout(webhook.timeoutMs),
    });
    // Drained so the connection can be reused; the site's answer carries nothing for us.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new WebhookRejectedError(response.status, webhook.url);
    log.debug({ eventId: event.id, type: event.type, attempt }, 'webhook delivered');
  };
}
