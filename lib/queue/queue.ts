import { HttpError } from '../errors.js';

/**
 * A durable task queue. Implementations: AMQP (RabbitMQ) and in-process.
 *
 * Delivery is at-least-once: a handler that resolves acks the task; one that
 * throws {@link UnrecoverableError} sends it straight to the dead-letter
 * queue; any other error retries it after a growing delay, up to
 * `maxAttempts`, then dead-letters it. Handlers must therefore be idempotent.
 */
export interface TaskQueue<T> {
  /** Resolves once the broker has confirmed the task is stored. */
  publish(task: T): Promise<void>;
  /**
   * Resolves once the queue has first reached its broker. Rejects only when
   * it never will, whatever the retries: a queue of that name exists with
   * another type (`QueueMismatchError`). Stays pending when closed first.
   */
  connected(): Promise<void>;
  /**
   * Starts consuming; resolves when the consumer is registered (waiting for
   * the broker as long as it takes), or when the queue is closed first.
   */
  consume(handler: TaskHandler<T>, options?: ConsumeOptions<T>): Promise<void>;
  /** Messages waiting (not yet delivered) in the main queue. */
  depth(): Promise<number>;
  /** Tasks given up on, waiting in the dead-letter queue for a person to look at. */
  deadLetterDepth(): Promise<number>;
  /** True while connected and able to publish. */
  healthy(): boolean;
  /** Stops consuming, waits for in-flight handlers, closes connections. */
  close(): Promise<void>;
}

export interface TaskContext {
  /** 1 on first delivery, 2 on the first retry, and so on. */
  attempt: number;
  /** True when this is the last attempt before dead-lettering. */
  final: boolean;
}

export type TaskHandler<T> = (task: T, context: TaskContext) => Promise<void>;

export interface ConsumeOptions<T> {
  /**
   * Called before a task is dead-lettered because its consumers kept dying
   * on it (every delivery ended in a redelivery), so the owner can record the
   * failure the handler never got to throw. Its errors are logged, not fatal.
   */
  onPoison?: (task: T, reason: string) => Promise<void>;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** Delays before attempt 2, 3, ... ; the last one repeats. */
  delaysMs: number[];
}

/** What a queue may be called: its retry and dead-letter queues append `.retry.<ms>ms` and `.dlq` to it. */
export const QUEUE_NAME_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;

/** Handlers running at once (AMQP prefetch) for a consumer that sets none; the converter sets its own. */
export const DEFAULT_PREFETCH = 1;

/** How long a publish keeps trying (reconnects, unconfirmed sends) before it rejects. */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 10_000;

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, delaysMs: [1_000, 5_000, 30_000, 120_000] };

/**
 * The broker could not take a task in time (down, unreachable, blocked).
 * Callers treat it as transient: HTTP 503, retry later.
 */
export class QueueUnavailableError extends HttpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(503, 'queue_unavailable', message, true, { ...options, publicMessage: 'the queue is unavailable' });
    this.name = 'QueueUnavailableError';
  }
}
