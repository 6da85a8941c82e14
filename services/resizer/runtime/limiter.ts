import { HttpError } from '../../../lib/errors.js';

export interface LimiterOptions {
  /** Renders running at once; matches the cores libvips may use. */
  slots: number;
  /** Requests allowed to wait for a slot; past that they are shed. */
  queueSize: number;
  /** Seconds a shed client is told to wait before retrying. */
  retryAfterSeconds: number;
}

/** Shed load: every slot busy and the wait queue full. */
export class OverloadedError extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(503, 'overloaded', 'too many requests in progress, retry shortly', false);
  }
}

/**
 * A work limit plus a queue limit. Waiting past the queue would only add
 * latency a CDN then times out on, so a full queue answers 503 at once and
 * the autoscaler (reading {@link queued} and {@link running}) adds replicas.
 */
export class Limiter {
  private active = 0;
  /** Each waiter is the function that hands it a slot. */
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: LimiterOptions) {}

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Runs `task` in a slot. Rejects at once with {@link OverloadedError} when
   * the queue is full, and with `signal`'s reason if it aborts while waiting.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.options.slots) {
      this.active++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.queueSize) {
      return Promise.reject(new OverloadedError(this.options.retryAfterSeconds));
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(
          signal?.reason instanceof Error ? signal.reason : new Error('aborted while waiting for a slot'),
        );
      };
      const waiter = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) next();
    else this.active--;
  }
}
