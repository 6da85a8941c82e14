import {
  DEFAULT_PREFETCH,
  defaultRetryPolicy,
  type RetryPolicy,
  type TaskHandler,
  type TaskQueue,
} from './queue.js';
import { tracedProcess, tracedPublish } from '../tracing/messaging.js';
import { assertRetryPolicy, onFailure } from './retry.js';

export interface MemoryQueueOptions {
  /** Handlers running at once, like AMQP prefetch. Default {@link DEFAULT_PREFETCH}. */
  prefetch?: number;
  retry?: RetryPolicy;
  /** Dead letters kept, newest; older ones are dropped. Default {@link DEFAULT_DEAD_LETTER_LIMIT}. */
  deadLetterLimit?: number;
}

/**
 * How many dead letters the memory queue keeps. `enlarger dev` runs for days
 * on it, and every photo that cannot convert ends here: kept without bound,
 * the list was the one part of dev's heap that grew under `make fuzz` (~9,000
 * dead letters in 30 minutes). A broker's dead-letter queue with `x-max-length`
 * drops from its head by default; so does this.
 */
export const DEFAULT_DEAD_LETTER_LIMIT = 1000;

/** A task the memory queue gave up on, kept for inspection. */
export interface DeadLetter<T> {
  task: T;
  attempt: number;
  reason: string;
}

interface Envelope {
  /** JSON, as on the wire: handlers get a fresh copy each attempt, as they would from a broker. */
  body: string;
  attempt: number;
  /** W3C trace context of the publisher, as AMQP headers carry it; kept across retries. */
  headers: Record<string, string>;
}

/**
 * An in-process {@link TaskQueue} with the AMQP adapter's semantics:
 * bounded concurrency, retries after the policy's delays, a dead-letter list
 * and at-least-once delivery. For tests and single-process development; it
 * loses everything on exit.
 */
export class MemoryTaskQueue<T> implements TaskQueue<T> {
  /** Tasks that were dead-lettered, oldest first: the newest `deadLetterLimit` of them. */
  readonly deadLetters: DeadLetter<T>[] = [];
  private readonly waiting: Envelope[] = [];
  private readonly delayed = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly prefetch: number;
  private readonly retry: RetryPolicy;
  private readonly deadLetterLimit: number;
  private handler?: TaskHandler<T>;
  private closed = false;

  constructor(options: MemoryQueueOptions = {}) {
    this.prefetch = options.prefetch ?? DEFAULT_PREFETCH;
    this.retry = options.retry ?? defaultRetryPolicy;
    this.deadLetterLimit = options.deadLetterLimit ?? DEFAULT_DEAD_LETTER_LIMIT;
    assertRetryPolicy(this.retry);
  }

  publish(task: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error('queue is closed'));
    // Serialising now catches tasks that could not cross a real broker.
    const body = JSON.stringify(task);
    return tracedPublish('in-process', 'memory', (headers) => {
      this.enqueue({ body, attempt: 1, headers });
      return Promise.resolve();
    });
  }

  connected(): Promise<void> {
    return Promise.resolve();
  }

  consume(handler: TaskHandler<T>): Promise<void> {
    if (this.handler) return Promise.reject(new Error('queue already has a consumer'));
    if (this.closed) return Promise.reject(new Error('queue is closed'));
    this.handler = handler;
    this.dispatch();
    return Promise.resolve();
  }

  depth(): Promise<number> {
    return Promise.resolve(this.waiting.length);
  }

  deadLetterDepth(): Promise<number> {
    return Promise.resolve(this.deadLetters.length);
  }

  healthy(): boolean {
    return !this.closed;
  }

  /** Resolves when nothing is waiting, delayed or running: lets tests await the end of all work. */
  async drained(): Promise<void> {
    while (this.waiting.length > 0 || this.delayed.size > 0 || this.inFlight.size > 0) {
      await Promise.race([...this.inFlight, new Promise((resolve) => setTimeout(resolve, 5))]);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    // Pending retries are dropped, as they would stay behind in a broker.
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private enqueue(envelope: Envelope): void {
    this.waiting.push(envelope);
    this.dispatch();
  }

  private dispatch(): void {
    const handler = this.handler;
    while (handler && !this.closed && this.inFlight.size < this.prefetch) {
      const envelope = this.waiting.shift();
      if (!envelope) return;
      const work = this.run(handler, envelope).finally(() => {
        this.inFlight.delete(work);
        this.dispatch();
      });
      this.inFlight.add(work);
    }
  }

  private async run(handler: TaskHandler<T>, envelope: Envelope): Promise<void> {
    const { attempt } = envelope;
    try {
      await tracedProcess('in-process', 'memory', { headers: envelope.headers, attempt }, () =>
        handler(JSON.parse(envelope.body) as T, { attempt, final: attempt >= this.retry.maxAttempts }),
      );
    } catch (err) {
      const outcome = onFailure(this.retry, attempt, err);
      if (outcome.kind === 'dead-letter') {
        this.deadLetters.push({ task: JSON.parse(envelope.body) as T, attempt, reason: outcome.reason });
        if (this.deadLetters.length > this.deadLetterLimit) this.deadLetters.shift();
        return;
      }
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.delayed.delete(timer);
        this.enqueue({ ...envelope, attempt: outcome.attempt });
      }, outcome.delayMs);
      this.delayed.add(timer);
    }
  }
}
