import { connect, type ChannelModel, type RecoveringChannelModel } from 'amqplib';
import { messageOf } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { AmqpEndpoints, backoffMs, splitAmqpUrls } from '../queue/amqp-endpoints.js';
import { photoEvent, type PhotoEventType } from './photo-event.js';
import type { EventListener } from './publisher.js';

export interface AmqpSubscriberOptions {
  /** One or more AMQP URLs of one cluster, as the task queue takes them. */
  url: string;
  tls?: { ca?: string; cert?: string; key?: string };
  exchange: string;
  /** The event types to hear (routing keys). */
  types: readonly PhotoEventType[];
  connectionName?: string;
  log: Logger;
}

/**
 * Hears photo events as a broadcast: every process gets a queue of its own,
 * server-named, exclusive and auto-deleted, bound to the events exchange, so
 * every pod hears every event and nothing piles up for a pod that is gone.
 * Messages are auto-acked: what listeners do with them (drop a cache entry)
 * is idempotent and local, and a copy missed while disconnected is covered
 * by `onReconnect`, which runs after every connection but the first.
 */
export class AmqpEventSubscriber {
  private connection?: Promise<RecoveringChannelModel>;
  private connections = 0;
  private closing = false;
  private up = false;
  private readonly endpoints: AmqpEndpoints;

  constructor(
    private readonly options: AmqpSubscriberOptions,
    private readonly listener: EventListener,
    /** What to do about events that may have been missed while disconnected. */
    private readonly onReconnect: () => void = () => undefined,
  ) {
    this.endpoints = new AmqpEndpoints(splitAmqpUrls(options.url));
  }

  /** Starts connecting in the background, retrying for as long as it takes. */
  start(): void {
    this.connection ??= connect(this.endpoints.address(), {
      ...this.options.tls,
      clientProperties: this.options.connectionName ? { connection_name: this.options.connectionName } : {},
      recovery: {
        waitForConnect: false,
        setup: (model: ChannelModel) => this.setup(model),
        calculateDelay: (attempt: number) => {
          this.up = false;
          this.endpoints.advance();
          return backoffMs(attempt, 200, 10_000);
        },
      },
    });
    void this.connection.then((c) => {
      c.on('error', () => {});
      c.on('disconnect', (err: Error) => {
        this.up = false;
        this.options.log.warn({ err: err.message }, 'event subscriber disconnected');
      });
    });
  }

  /** Whether the subscription is live now; events published while it is not are missed. */
  get healthy(): boolean {
    return this.up;
  }

  async close(): Promise<void> {
    this.closing = true;
    await (await this.connection)?.close();
  }

  private async setup(model: ChannelModel): Promise<void> {
    const { exchange, types, log } = this.options;
    model.on('error', (err: Error) => log.warn({ err: err.message }, 'event subscriber connection error'));
    const channel = await model.createChannel();
    // A channel error (the queue deleted by hand) closes the connection: one recovery path.
    channel.on('close', () => {
      this.up = false;
      if (!this.closing) model.close().catch(() => {});
    });
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    for (const type of types) await channel.bindQueue(queue, exchange, type);
    await channel.consume(
      queue,
      (msg) => {
        if (!msg) return;
        const parsed = photoEvent.safeParse(safeJson(msg.content));
        if (!parsed.success) {
          log.warn({ routingKey: msg.fields.routingKey }, 'ignoring a message that is not a photo event');
          return;
        }
        this.listener(parsed.data).catch((err: unknown) =>
          log.error({ err: messageOf(err), event: parsed.data.id }, 'event listener failed'),
        );
      },
      { noAck: true },
    );
    this.up = true;
    if (this.connections++ > 0) this.onReconnect();
    log.info({ exchange, types, queue }, 'subscribed to photo events');
  }
}

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
