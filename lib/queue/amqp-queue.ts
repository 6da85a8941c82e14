import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  connect,
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type Options,
  type RecoveringChannelModel,
} from 'amqplib';
import { messageOf } from '../errors.js';
import { createLogger, type Logger } from '../log/logger.js';
import { AmqpEndpoints, backoffMs, splitAmqpUrls } from './amqp-endpoints.js';
import {
  ATTEMPT_HEADER,
  ERROR_HEADER,
  attemptOf,
  declareFailure,
  decodeTask,
  encodeTask,
  lostDeliveries,
  QueueMismatchError,
  topology,
  type QueueType,
  type Topology,
} from './amqp-topology.js';
import {
  DEFAULT_PREFETCH,
  DEFAULT_PUBLISH_TIMEOUT_MS,
  defaultRetryPolicy,
  QueueUnavailableError,
  type ConsumeOptions,
  type RetryPolicy,
  type TaskHandler,
  type TaskQueue,
} from './queue.js';
import { assertRetryPolicy, onFailure, type FailureOutcome } from './retry.js';

export interface AmqpQueueOptions {
  /**
   * `amqp://user:pass@host:5672/vhost`, or several such URLs separated by
   * commas (nodes of one cluster, tried in turn); add `?heartbeat=10` to
   * notice a dead broker sooner.
   */
  url: string;
  /** TLS options for `amqps://` URLs: `ca`, `cert`, `key` (PEM). */
  tls?: { ca?: string; cert?: string; key?: string };
  /** Main queue name; `<queue>.dlq` and `<queue>.retry.<ms>ms` are derived from it. */
  queue: string;
  /** Default `quorum`. */
  type?: QueueType;
  /** Unacked deliveries per consumer, i.e. handlers running at once. Default {@link DEFAULT_PREFETCH}. */
  prefetch?: number;
  retry?: RetryPolicy;
  /** How long `publish` keeps trying before it rejects. Default {@link DEFAULT_PUBLISH_TIMEOUT_MS}. */
  publishTimeoutMs?: number;
  /** Reconnect backoff: first delay, doubling up to the max. Defaults 200 ms and 10 s. */
  reconnectInitialDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /**
   * Connection attempts before the first connection gives up; afterwards it
   * retries forever. Default: forever, as a pod started before its broker
   * should (the converter stays up and not ready meanwhile). A queue of
   * another type on the broker ends startup at once whatever this says.
   */
  startupRetries?: number;
  /** Shown in the RabbitMQ management UI; handy for telling pods apart. */
  connectionName?: string;
  /**
   * A durable topic exchange declared at every connect, so that
   * {@link AmqpTaskQueue.publishTo} finds it; with `bindingKeys`, the main
   * queue is bound to it and receives what is published there under those keys.
   */
  exchange?: { name: string; bindingKeys?: readonly string[] };
  logger?: Logger;
}

/** The channels of one live connection; replaced wholesale after every reconnect. */
interface Session {
  model: ChannelModel;
  publisher: ConfirmChannel;
  consumer?: Promise<Consumer>;
}

interface Consumer {
  channel: Channel;
  tag: string;
}

/**
 * A {@link TaskQueue} on RabbitMQ. Tasks are JSON, persistent, in a durable
 * queue, and `publish` resolves only on a publisher confirm. Failed tasks go
 * to a TTL'd retry queue for their delay and come back with the attempt
 * number in the `x-attempt` header; unrecoverable and exhausted ones go to
 * `<queue>.dlq` with the error in `x-last-error`.
 *
 * The connection is made in the background, and retried with exponential
 * backoff for as long as it takes, at startup as after a drop. Any error on
 * one of its channels closes the whole connection so that there is a single
 * recovery path: reconnect, re-declare, re-consume. Unacked deliveries of a
 * lost channel are redelivered by the broker, so handlers must be idempotent.
 */
export class AmqpTaskQueue<T> implements TaskQueue<T> {
  private readonly name: string;
  private readonly type: QueueType;
  private readonly topology: Topology;
  private readonly retry: RetryPolicy;
  private readonly prefetch: number;
  private readonly publishTimeoutMs: number;
  private readonly log: Logger;
  private readonly events = new EventEmitter();
  private readonly inFlight = new Set<Promise<void>>();
  private connection?: Promise<RecoveringChannelModel>;
  private session?: Session;
  private handler?: TaskHandler<T>;
  private onPoison?: ConsumeOptions<T>['onPoison'];
  private closing = false;
  private readonly endpoints: AmqpEndpoints;
  /** Why the last connection attempt failed in setup, when redeclaring cannot fix it. */
  private mismatch?: QueueMismatchError;
  /** Why connecting was given up for good, before any connection. */
  private failure?: Error;
  private connectedOnce = false;
  /** Settles with the first connection, or with the reason it will never come; see {@link connected}. */
  private readonly firstConnection: Promise<void>;
  private settleFirst!: { resolve: () => void; reject: (err: Error) => void };
  /** Since start: connections opened (1 + reconnects) and deliveries counted as lost by a redelivery. */
  readonly stats = { connections: 0, redeliveries: 0 };

  private constructor(private readonly options: AmqpQueueOptions) {
    this.name = options.queue;
    this.retry = options.retry ?? defaultRetryPolicy;
    assertRetryPolicy(this.retry);
    this.type = options.type ?? 'quorum';
    this.topology = topology(this.name, this.retry.delaysMs, this.type);
    this.endpoints = new AmqpEndpoints(splitAmqpUrls(options.url));
    this.prefetch = options.prefetch ?? DEFAULT_PREFETCH;
    this.publishTimeoutMs = options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS;
    this.log = (options.logger ?? createLogger({ level: 'silent' })).child({
      component: 'amqp-queue',
      queue: this.name,
    });
    // Waiters for the next session; many publishes may wait at once during an outage.
    this.events.setMaxListeners(0);
    this.firstConnection = new Promise<void>((resolve, reject) => (this.settleFirst = { resolve, reject }));
    // Nobody need be waiting for it (media takes uploads without the broker).
    this.firstConnection.catch(() => {});
  }

  /**
   * Starts connecting in the background and returns at once: `publish` and
   * `consume` wait for the connection, `healthy()` is false until it is up,
   * and {@link connected} says when it is.
   */
  static open<T>(options: AmqpQueueOptions): AmqpTaskQueue<T> {
    const queue = new AmqpTaskQueue<T>(options);
    queue.connection = queue.openConnection();
    return queue;
  }

  /** {@link open}, resolving once the first connection is up and the queues are declared. */
  static async connect<T>(options: AmqpQueueOptions): Promise<AmqpTaskQueue<T>> {
    const queue = AmqpTaskQueue.open<T>(options);
    try {
      await queue.connected();
    } catch (err) {
      await queue.close();
      throw err;
    }
    return queue;
  }

  connected(): Promise<void> {
    return this.firstConnection;
  }

  async publish(task: T): Promise<void> {
    await this.send('', this.name, task, randomUUID());
  }

  /**
   * Publishes `message` to the topic exchange of {@link AmqpQueueOptions.exchange}
   * under `routingKey`, with the same confirms, reconnects and deadline as
   * {@link publish}. The message reaches the queues bound to that key when it is
   * published; `messageId` is the one a consumer dedupes on.
   */
  async publishTo(routingKey: string, message: unknown, messageId: string): Promise<void> {
    const exchange = this.options.exchange?.name;
    if (!exchange) throw new Error(`queue ${this.name} declares no exchange to publish to`);
    await this.send(exchange, routingKey, message, messageId);
  }

  private async send(
    exchange: string,
    routingKey: string,
    message: unknown,
    messageId: string,
  ): Promise<void> {
    if (this.closing) throw new Error(`queue ${this.name} is closed`);
    const body = encodeTask(message);
    const properties = { headers: { [ATTEMPT_HEADER]: 1 }, messageId };
    const deadline = Date.now() + this.publishTimeoutMs;
    let backoffMs = 50;
    // An unconfirmed send is sent again on the next connection; the broker may
    // then hold two copies, which at-least-once delivery allows.
    for (;;) {
      let session: Session | undefined;
      try {
        session = await this.nextSession(deadline);
        // A blocked broker (memory alarm) takes the message but never confirms.
        const sent = sendConfirmed(session.publisher, exchange, routingKey, body, properties);
        await beforeDeadline(sent, deadline);
        return;
      } catch (err) {
        if (session && err instanceof PublishNackedError) this.dropNacked(session);
        if (Date.now() + backoffMs >= deadline || this.closing) {
          const target = exchange || this.name;
          throw new QueueUnavailableError(`could not publish to ${target}: ${messageOf(err)}`, {
            cause: err,
          });
        }
        this.log.debug({ err: messageOf(err) }, 'publish not confirmed, retrying');
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 1_000);
      }
    }
  }

  async consume(handler: TaskHandler<T>, options: ConsumeOptions<T> = {}): Promise<void> {
    if (this.handler) throw new Error(`queue ${this.name} already has a consumer`);
    if (this.closing) throw new Error(`queue ${this.name} is closed`);
    this.handler = handler;
    this.onPoison = options.onPoison;
    // A session opened from now on starts its consumer itself; the current one needs telling.
    const session = await this.nextSession(Infinity).catch((err: unknown) => {
      // Closed (shutdown) before the broker ever answered: there is nothing to consume.
      if (this.closing && !this.failure) return undefined;
      throw err;
    });
    if (!session) return;
    session.consumer ??= this.startConsumer(session, handler);
    await session.consumer;
  }

  depth(): Promise<number> {
    return this.messageCount(this.topology.main.name);
  }

  deadLetterDepth(): Promise<number> {
    return this.messageCount(this.topology.deadLetter.name);
  }

  private async messageCount(queue: string): Promise<number> {
    const session = this.session;
    if (!session) throw new QueueUnavailableError(`not connected to the broker for ${this.name}`);
    // A throwaway channel: a failed check must not take the long-lived ones down with it.
    const channel = await session.model.createChannel();
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close().catch(() => {});
    }
  }

  healthy(): boolean {
    return this.session !== undefined && !this.closing;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const consumer = await this.session?.consumer?.catch(() => undefined);
    // Cancel first so no new deliveries start, then let running handlers ack.
    await consumer?.channel.cancel(consumer.tag).catch(() => {});
    await Promise.allSettled([...this.inFlight]);
    this.session = undefined;
    this.events.emit('closed');
    await (await this.connection)?.close();
  }

  private async openConnection(): Promise<RecoveringChannelModel> {
    const options = this.options;
    const initialDelay = options.reconnectInitialDelayMs ?? 200;
    const maxDelay = options.reconnectMaxDelayMs ?? 10_000;
    const connection = await connect(this.endpoints.address(), {
      ...options.tls,
      clientProperties: options.connectionName ? { connection_name: options.connectionName } : {},
      recovery: {
        // The first attempt starts after this resolves, so every event below is heard.
        waitForConnect: false,
        initialMaxRetries: options.startupRetries ?? Infinity,
        setup: (model: ChannelModel) => this.setup(model),
        // Called once per failed or dropped connection: the next attempt goes
        // to the next broker of the list, which is how a publisher leaves a
        // dead node for the survivors.
        calculateDelay: (attempt: number) => {
          // Throwing here ends recovery: at startup a queue of the wrong type
          // is a config error that no retry fixes, so the process exits at
          // once with the reason instead of five attempts later.
          if (this.mismatch && !this.connectedOnce) throw this.mismatch;
          this.endpoints.advance();
          return backoffMs(attempt, initialDelay, maxDelay);
        },
      },
    });
    // Forwarded copies of errors the per-connection listener in setup() already logged.
    connection.on('error', () => {});
    connection.on('connect-failed', (err: Error) =>
      this.log.warn({ err: err.message, broker: this.endpoints.label }, 'connect failed'),
    );
    connection.on('disconnect', (err: Error) => this.log.warn({ err: err.message }, 'disconnected'));
    connection.on('reconnect-scheduled', ({ attempt, delay }: { attempt: number; delay: number }) =>
      this.log.info({ attempt, delayMs: delay }, 'reconnecting'),
    );
    connection.on('reconnect-failed', (err: Error) => this.giveUp(err));
    connection.on('blocked', (reason: string) => this.log.warn({ reason }, 'broker blocked publishing'));
    return connection;
  }

  /** Recovery is over for good (only ever before the first connection): everyone waiting hears why. */
  private giveUp(err: Error): void {
    this.log.error({ err: err.message }, 'gave up connecting');
    this.failure = err;
    this.settleFirst.reject(err);
    this.events.emit('failed', err);
  }

  /** Runs after every (re)connect, before the connection counts as up; a throw makes it reconnect. */
  private async setup(model: ChannelModel): Promise<void> {
    // Until setup returns, the recovery wrapper is not listening to this
    // connection yet, and an 'error' without a listener would crash the process.
    model.on('error', (err: Error) => this.log.warn({ err: err.message }, 'connection error'));
    const publisher = await model.createConfirmChannel();
    const session: Session = { model, publisher };
    this.watch(session, publisher);
    await this.declare(publisher);
    if (this.handler) session.consumer = this.startConsumer(session, this.handler);
    await session.consumer;
    this.session = session;
    this.connectedOnce = true;
    this.settleFirst.resolve();
    this.stats.connections++;
    this.log.info({ broker: this.endpoints.label, type: this.type }, 'connected');
    this.events.emit('session', session);
  }

  /**
   * Declares every queue of the topology. A queue that exists with other
   * arguments (a classic queue where quorum is asked for) is a
   * {@link QueueMismatchError}: logged loudly on every attempt, fatal at
   * startup, and the queue stays unhealthy until someone fixes the broker.
   */
  private async declare(channel: ConfirmChannel): Promise<void> {
    const { main, deadLetter, retries } = this.topology;
    this.mismatch = undefined;
    for (const queue of [main, deadLetter, ...retries.values()]) {
      try {
        await channel.assertQueue(queue.name, queue.options);
      } catch (err) {
        const failure = declareFailure(err, queue.name, this.type);
        if (failure instanceof QueueMismatchError) {
          this.mismatch = failure;
          this.log.error({ err: failure.message }, 'queue exists with other arguments');
        }
        throw failure;
      }
    }
    const exchange = this.options.exchange;
    if (!exchange) return;
    await channel.assertExchange(exchange.name, 'topic', { durable: true });
    for (const key of exchange.bindingKeys ?? []) await channel.bindQueue(main.name, exchange.name, key);
  }

  private async startConsumer(session: Session, handler: TaskHandler<T>): Promise<Consumer> {
    const channel = await session.model.createChannel();
    this.watch(session, channel);
    await channel.prefetch(this.prefetch);
    const { consumerTag } = await channel.consume(this.name, (msg) => {
      if (msg) {
        this.track(this.deliver(session, channel, msg, handler));
      } else {
        // The broker cancelled us (queue deleted): reconnecting re-declares it.
        this.log.warn('consumer cancelled by the broker');
        this.drop(session);
      }
    });
    return { channel, tag: consumerTag };
  }

  private async deliver(session: Session, channel: Channel, msg: ConsumeMessage, handler: TaskHandler<T>) {
    const attempt = attemptOf(msg.properties.headers);
    let outcome: FailureOutcome | undefined;
    try {
      const lost = lostDeliveries(msg.properties.headers, msg.fields.redelivered);
      if (lost > 0) outcome = await this.countRedelivery(msg, attempt, lost);
      else await handler(decodeTask<T>(msg.content), { attempt, final: attempt >= this.retry.maxAttempts });
    } catch (err) {
      outcome = onFailure(this.retry, attempt, err);
      this.log.warn(
        { attempt, messageId: msg.properties.messageId, err: messageOf(err), outcome: outcome.kind },
        'task failed',
      );
    }
    try {
      // Park the copy before acking the original: a crash in between duplicates, never loses.
      if (outcome) await this.park(session, msg, outcome);
      channel.ack(msg);
    } catch (err) {
      // The channel is gone or the broker refused the copy; either way the
      // original stays unacked and the broker will deliver it again.
      this.log.warn({ err: messageOf(err) }, 'could not settle task, it will be redelivered');
      if (err instanceof PublishNackedError) this.dropNacked(session);
      try {
        channel.nack(msg, false, true);
      } catch {
        // Channel already closed: the broker requeues unacked messages itself.
      }
    }
  }

  /**
   * The broker redelivers a message only when its consumer went away without
   * settling it: the process died mid-task (a crash or OOM kill in native
   * code, say), its connection dropped, or settling failed and it was
   * requeued. Each counts as a failed attempt, parked like any other, without
   * running the task again at once: otherwise a task that kills its worker
   * would be redelivered forever, taking a worker down each time. A quorum
   * queue says how many deliveries were lost, and each one counts.
   */
  private async countRedelivery(msg: ConsumeMessage, attempt: number, lost: number): Promise<FailureOutcome> {
    const reason = 'redelivered: the consumer died or lost its connection during the task';
    this.stats.redeliveries += lost;
    const outcome = onFailure(this.retry, attempt + lost - 1, new Error(reason));
    this.log.warn({ attempt, messageId: msg.properties.messageId, outcome: outcome.kind }, reason);
    if (outcome.kind === 'dead-letter' && this.onPoison) {
      await this.onPoison(decodeTask<T>(msg.content), outcome.reason).catch((err: unknown) =>
        this.log.error({ err: messageOf(err) }, 'recording a poison task failed'),
      );
    }
    return outcome;
  }

  /** Sends a failed task to its retry queue or the DLQ, with the next attempt number and the error. */
  private async park(session: Session, msg: ConsumeMessage, outcome: FailureOutcome): Promise<void> {
    const attempt = outcome.kind === 'retry' ? outcome.attempt : attemptOf(msg.properties.headers);
    // With no delays configured a retry goes straight back to the main queue.
    const queue =
      outcome.kind === 'retry'
        ? (this.topology.retries.get(outcome.delayMs)?.name ?? this.name)
        : this.topology.deadLetter.name;
    // Fresh headers rather than a copy: RabbitMQ's own x-death bookkeeping
    // belongs to the hop it describes, and headers must stay small.
    const properties = {
      messageId: msg.properties.messageId as string | undefined,
      headers: { [ATTEMPT_HEADER]: attempt, [ERROR_HEADER]: outcome.reason.slice(0, 1_000) },
    };
    // Bounded so a blocked broker cannot hold a prefetch slot (and close()) forever.
    await beforeDeadline(
      sendConfirmed(session.publisher, '', queue, msg.content, properties),
      Date.now() + this.publishTimeoutMs,
    );
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Any close of a session's channel ends the session and, unless closing, forces a reconnect. */
  private watch(session: Session, channel: Channel): void {
    channel.on('error', (err: Error) => this.log.warn({ err: err.message }, 'channel error'));
    channel.on('close', () => this.drop(session));
  }

  private drop(session: Session): void {
    if (this.session === session) this.session = undefined;
    if (this.closing) return;
    session.model.close().catch(() => {
      // Already closed: the recovery loop is on it.
    });
  }

  /**
   * A nack is the broker refusing a message it could not store, and on a
   * channel opened while a quorum queue's leader was moving it can be every
   * message: RabbitMQ 3.10 was seen nacking one publisher's channel for
   * minutes after the leader's node died, while new channels published at
   * once. So a nack ends the session and the next try gets fresh channels
   * (on the next broker of the list).
   */
  private dropNacked(session: Session): void {
    if (this.session !== session) return;
    this.log.warn('broker nacked a message; reopening the connection');
    this.drop(session);
  }

  /** The current session, or the next one to open before `deadline`. */
  private nextSession(deadline: number): Promise<Session> {
    if (this.session) return Promise.resolve(this.session);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const onSession = (session: Session) => {
        cleanup();
        resolve(session);
      };
      const fail = (why: string) => () => {
        cleanup();
        reject(new QueueUnavailableError(`${why} (queue ${this.name})`));
      };
      const onClosed = fail('queue closed');
      const onFailed = (err: Error) => {
        cleanup();
        reject(err);
      };
      const timer = Number.isFinite(deadline)
        ? setTimeout(fail('not connected to the broker'), Math.max(deadline - Date.now(), 0))
        : undefined;
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('session', onSession);
        this.events.off('closed', onClosed);
        this.events.off('failed', onFailed);
      };
      this.events.on('session', onSession);
      this.events.on('closed', onClosed);
      this.events.on('failed', onFailed);
    });
  }
}

/** `work`, or a rejection once `deadline` (epoch ms) passes; a late outcome of `work` is ignored. */
function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  work.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('no publisher confirm in time')),
      Math.max(deadline - Date.now(), 0),
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The broker nacked a publish: it did not take the message. */
class PublishNackedError extends Error {
  constructor() {
    super('message nacked by the broker');
    this.name = 'PublishNackedError';
  }
}

/**
 * Publishes and waits for the broker's confirm (or nack, or channel loss).
 * Exchange `''` is the default one, which routes by queue name.
 */
function sendConfirmed(
  channel: ConfirmChannel,
  exchange: string,
  routingKey: string,
  body: Buffer,
  properties: Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.publish(
      exchange,
      routingKey,
      body,
      { ...properties, persistent: true, contentType: 'application/json' },
      (err: unknown) => {
        if (!err) resolve();
        // amqplib's confirm callback gets this error for a basic.nack.
        else if (err instanceof Error && err.message === 'message nacked') reject(new PublishNackedError());
        else reject(err instanceof Error ? err : new Error(messageOf(err)));
      },
    );
  });
}
