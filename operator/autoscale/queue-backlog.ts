import { connect, type ChannelModel } from 'amqplib';
import { messageOf } from '../../lib/errors.js';
import { splitAmqpUrls } from '../../lib/queue/amqp-endpoints.js';
import type { Logger } from '../../lib/log/logger.js';

/**
 * Messages waiting in a queue, as a passive declare reports them: ready
 * messages only, not those delivered and unacknowledged. Quorum and classic
 * queues count alike (RabbitMQ 3.10: a quorum queue answers with its ready
 * count; test/integration/queue-quorum.test.ts holds it to that), so the
 * tasks converters are working on are never counted as backlog.
 */
export interface Backlog {
  messages: number;
}

/** Prefix of the connection name, followed by the platform's uid. */
export const BACKLOG_CONNECTION_NAME = 'enlarger-operator backlog';

/**
 * Reads queue backlogs over AMQP with a passive declare, which never creates
 * or alters the queue. One connection per platform, reused across intervals,
 * replaced when the platform's URL changes and closed when it goes away.
 */
export class QueueBacklogReader {
  private readonly connections = new Map<string, { url: string; model: Promise<ChannelModel> }>();

  constructor(private readonly log: Logger) {}

  async read(platform: string, url: string, queue: string, tls: BrokerTls = {}): Promise<Backlog> {
    const model = await this.connection(platform, url, tls);
    const channel = await model.createChannel();
    // A passive declare of a missing queue closes the channel with 404; nothing was ever published.
    channel.on('error', () => undefined);
    try {
      const { messageCount } = await channel.checkQueue(queue);
      return { messages: messageCount };
    } catch (err) {
      if ((err as { code?: number }).code === 404) return { messages: 0 };
      throw err;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /** Closes the connection of a platform that was deleted or stopped autoscaling. */
  async forget(platform: string): Promise<void> {
    const entry = this.connections.get(platform);
    this.connections.delete(platform);
    if (entry) await (await entry.model.catch(() => undefined))?.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.keys()].map((p) => this.forget(p)));
  }

  private async connection(platform: string, urls: string, tls: BrokerTls): Promise<ChannelModel> {
    // A new URL list or new TLS material (a rotated CA, say) means a new connection.
    const url = `${urls}\n${tls.ca ?? ''}\n${tls.cert ?? ''}`;
    const entry = this.connections.get(platform);
    if (entry && entry.url !== url) await this.forget(platform);
    const existing = this.connections.get(platform);
    if (existing) return existing.model;
    // Named, so a broker admin can tell the operator's connections apart.
    const clientProperties = { connection_name: `${BACKLOG_CONNECTION_NAME} ${platform}` };
    const model = firstAnswering(splitAmqpUrls(urls), { ...tls, timeout: 5000, clientProperties }).then(
      (m) => {
        // A dropped connection is replaced on the next read, not retried here.
        m.on('error', (err: unknown) =>
          this.log.debug({ platform, error: messageOf(err) }, 'backlog connection error'),
        );
        m.on('close', () => {
          if (this.connections.get(platform)?.model === model) this.connections.delete(platform);
        });
        return m;
      },
    );
    this.connections.set(platform, { url, model });
    model.catch(() => {
      if (this.connections.get(platform)?.model === model) this.connections.delete(platform);
    });
    return model;
  }
}

/** PEM material for amqps:// brokers, as the platform's Secrets hold it. */
export interface BrokerTls {
  ca?: string;
  cert?: string;
  key?: string;
}

/** A connection to the first broker of the list that answers: any node of a cluster reports the same queue. */
async function firstAnswering(urls: string[], options: Record<string, unknown>): Promise<ChannelModel> {
  let lastError: unknown = new Error('no AMQP URL');
  for (const url of urls) {
    try {
      return await connect(url, options);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
