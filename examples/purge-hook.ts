/**
 * An example purge hook: it consumes `photo.deleted` and `photo.updated`
 * from the events exchange and purges the photo's cache tag from a CDN.
 * Copy it and replace `purge` with your CDN's purge-by-tag call (Fastly:
 * POST /service/<id>/purge/<tag>; Cloudflare: POST /zones/<id>/purge_cache
 * {"tags": [...]}). As shipped, it sends the PURGE that
 * deploy/cdn/varnish/enlarger.vcl understands, and
 * test/integration/cdn-purge-hook.test.ts runs it against a real Varnish.
 *
 *   npx tsx examples/purge-hook.ts --amqp-url amqp://… --varnish-url http://varnish:6081 \
 *     [--exchange enlarger.events] [--queue cdn.purge]
 *
 * Its queue is durable: purges wait there while the hook is down, and a
 * purge that fails is retried, so a photo taken down is never left in the
 * CDN because the hook was restarting.
 */
import { parseArgs } from 'node:util';
import { connect, type ConsumeMessage } from 'amqplib';

/** The tag the resizer sends in `Surrogate-Key` and `Cache-Tag` for every answer about a photo. */
export const photoTag = (photoId: string): string => `photo-${photoId}`;

export interface PurgeHookOptions {
  amqpUrl: string;
  /** `EVENTS_EXCHANGE`, `enlarger.events` unless the platform says otherwise. */
  exchange: string;
  /** The hook's own durable queue. */
  queue: string;
  /** Purges one tag; rejecting retries the event. */
  purge: (tag: string) => Promise<void>;
  retryDelayMs?: number;
  /**
   * Purges once more after this long. The resizer pods hear the same event
   * and drop the photo within ~100 ms (RESIZER_MANIFEST_TTL_MS, 30 s, if a
   * pod missed it); a request that reached a pod in between would put the
   * old answer back in the CDN, for a year if it was immutable. Default 31 s.
   */
  repurgeAfterMs?: number;
}

/** Starts consuming; resolves with a function that stops. */
export async function startPurgeHook(options: PurgeHookOptions): Promise<() => Promise<void>> {
  const connection = await connect(options.amqpUrl);
  const channel = await connection.createChannel();
  await channel.assertExchange(options.exchange, 'topic', { durable: true });
  await channel.assertQueue(options.queue, { durable: true });
  for (const type of ['photo.deleted', 'photo.updated'])
    await channel.bindQueue(options.queue, options.exchange, type);
  await channel.prefetch(1);
  const repurges = new Set<NodeJS.Timeout>();
  const handle = async (msg: ConsumeMessage) => {
    // CloudEvents JSON: `subject` is the photo id.
    const { subject } = JSON.parse(msg.content.toString('utf8')) as { subject?: string };
    if (!subject) return channel.ack(msg);
    const tag = photoTag(subject);
    try {
      await options.purge(tag);
      channel.ack(msg);
      const again = setTimeout(() => {
        repurges.delete(again);
        void options.purge(tag).catch(() => undefined);
      }, options.repurgeAfterMs ?? 31_000);
      repurges.add(again);
      again.unref();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1_000));
      channel.nack(msg, false, true);
    }
  };
  const { consumerTag } = await channel.consume(options.queue, (msg) => void (msg && handle(msg)));
  return async () => {
    await channel.cancel(consumerTag);
    for (const timer of repurges) clearTimeout(timer);
    await connection.close();
  };
}

/** The purge `deploy/cdn/varnish/enlarger.vcl` takes: `PURGE /` with the tag in `xkey-purge`. */
export function varnishPurge(varnishUrl: string) {
  return async (tag: string): Promise<void> => {
    const res = await fetch(new URL('/', varnishUrl), { method: 'PURGE', headers: { 'xkey-purge': tag } });
    if (!res.ok) throw new Error(`Varnish answered ${res.status} to the purge of ${tag}`);
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      'amqp-url': { type: 'string', default: 'amqp://guest:guest@127.0.0.1:5672' },
      exchange: { type: 'string', default: 'enlarger.events' },
      queue: { type: 'string', default: 'cdn.purge' },
      'varnish-url': { type: 'string', default: 'http://127.0.0.1:6081' },
    },
  });
  await startPurgeHook({
    amqpUrl: values['amqp-url'],
    exchange: values.exchange,
    queue: values.queue,
    purge: varnishPurge(values['varnish-url']),
  });
}
