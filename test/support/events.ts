import { connect, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { splitAmqpUrls } from '../../lib/queue/amqp-endpoints.js';
import { topology } from '../../lib/queue/amqp-topology.js';
import { photoEvent, type PhotoEvent } from '../../lib/events/photo-event.js';
import { uniqueName } from './env.js';
import { eventually } from './wait.js';

/** One message heard on the events exchange: the parsed event and what AMQP said about it. */
export interface HeardEvent {
  event: PhotoEvent;
  routingKey: string;
  messageId: unknown;
  persistent: boolean;
  contentType: unknown;
}

/**
 * A consumer of the site's own on the events exchange: a queue of its own
 * bound to `photo.#`, as a site's integration would bind one. It declares the
 * exchange as the services do, so it may bind before they connect.
 */
export class EventTap {
  readonly heard: HeardEvent[] = [];
  private readonly queue = uniqueName('it-event-tap');

  private constructor(
    private readonly amqp: ChannelModel,
    readonly exchange: string,
  ) {}

  static async open(amqpUrl: string, exchange: string): Promise<EventTap> {
    const amqp = await connect(splitAmqpUrls(amqpUrl)[0]!);
    const tap = new EventTap(amqp, exchange);
    const channel = await amqp.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertQueue(tap.queue, { durable: false, exclusive: true });
    await channel.bindQueue(tap.queue, exchange, 'photo.#');
    await channel.consume(tap.queue, (msg) => msg && tap.hear(msg), { noAck: true });
    return tap;
  }

  /** Waits for the event `type` of photo `id`. */
  async waitFor(type: PhotoEvent['type'], id: string, timeoutMs = 60_000): Promise<HeardEvent> {
    return eventually(() => this.heard.find((h) => h.event.type === type && h.event.subject === id), {
      timeoutMs,
      what: `${type} for photo ${id} on ${this.exchange}`,
    });
  }

  /** Closes the connection; its exclusive queue goes with it. */
  async close(): Promise<void> {
    await this.amqp.close();
  }

  private hear(msg: ConsumeMessage): void {
    this.heard.push({
      // Parsed by the schema the services build with: a consumer reads what they write.
      event: photoEvent.parse(JSON.parse(msg.content.toString('utf8'))),
      routingKey: msg.fields.routingKey,
      messageId: msg.properties.messageId,
      persistent: msg.properties.deliveryMode === 2,
      contentType: msg.properties.contentType,
    });
  }
}

/**
 * A site's durable queue on the events exchange, bound to `photo.#`: unlike an
 * {@link EventTap}'s, it outlives a broker restart, so what was confirmed
 * before the broker went down is still there after. Returns its name.
 */
export async function bindDurableEventQueue(amqpUrl: string, exchange: string): Promise<string> {
  const queue = uniqueName('it-event-durable');
  const amqp = await connect(splitAmqpUrls(amqpUrl)[0]!);
  const channel = await amqp.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, exchange, 'photo.#');
  await amqp.close();
  return queue;
}

/** Every event waiting on `queue` (acknowledged), then the queue deleted. */
export async function drainEventQueue(amqpUrl: string, queue: string): Promise<PhotoEvent[]> {
  const amqp = await connect(splitAmqpUrls(amqpUrl)[0]!);
  const channel = await amqp.createChannel();
  const events: PhotoEvent[] = [];
  for (let msg = await channel.get(queue); msg; msg = await channel.get(queue)) {
    events.push(photoEvent.parse(JSON.parse(msg.content.toString('utf8'))));
    channel.ack(msg);
  }
  await channel.deleteQueue(queue);
  await amqp.close();
  return events;
}

/** Deletes a task queue's whole topology: main, retries, dead letters. */
export async function deleteTopology(amqpUrl: string, queue: string, delaysMs: number[]): Promise<void> {
  const amqp = await connect(splitAmqpUrls(amqpUrl)[0]!);
  const channel = await amqp.createChannel();
  const { main, deadLetter, retries } = topology(queue, delaysMs);
  for (const q of [main, deadLetter, ...retries.values()]) await channel.deleteQueue(q.name);
  await amqp.close();
}
