import { HttpError } from '../../../lib/errors.js';

export interface LimiterOptions {
  /** Renders running at once; matches the cores libvips may use. */
  slots: number;
  /** Requests allowed to wait for a slot; past that they are shed. */
  queueSize: number;
  /** Seconds a shed client is told to wait before retrying. */
  retryAfterSeconds: number;
  /** Bytes the renders running at once may hold together, by their estimated working set. */
  memoryBytes: number;
}

/** Shed load: every slot busy and the wait queue full. */
export class OverloadedError extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(503, 'overloaded', 'too many requests in progress, retry shortly', false);
  }
}

/** A render whose working set alone exceeds the memory budget: it could never be admitted. */
export class TooLargeToRenderError extends HttpError {
  constructor(bytes: number, budget: number) {
    super(
      422,
      'too_large_to_render',
      `estimated working set ${bytes} B exceeds the render budget ${budget} B`,
      false,
      {
        publicMessage: 'this output is too large to render; ask for fewer pixels or another format',
      },
    );
  }
}

/** Weight of the newest render in the moving average: about the last ten renders count. */
const RENDER_EWMA_WEIGHT = 0.2;

/**
 * How much longer than its average a wait and render may turn out. Render
 * times on shared cores vary about twice over (`make soak`); a request
 * admitted on the average alone is cut at the deadline after holding a slot.
 */
const RENDER_TIME_HEADROOM = 2;

interface Waiter {
  bytes: number;
  admit: () => void;
}

/**
 * A work limit plus a queue limit, with admission by memory. A render starts
 * when a slot is free and its estimated working set fits what the running
 * renders leave of the budget, so two huge renders cannot together blow the
 * pod's memory limit while small ones still run side by side. Waiters are
 * served in order: a big render at the head is not starved by small ones
 * passing it. Waiting past the queue would only add latency a CDN then
 * times out on, so a full queue answers 503 at once and the autoscaler
 * (reading {@link queued} and {@link running}) adds replicas.
 */
export class Limiter {
  private active = 0;
  private usedBytes = 0;
  private readonly waiting: Waiter[] = [];
  /** Moving average of how long a render holds its slot; undefined until one finished. */
  private renderMs: number | undefined;

  constructor(private readonly options: LimiterOptions) {}

  /** The error a shed request answers with: 503 and the configured Retry-After. */
  overloaded(): OverloadedError {
    return new OverloadedError(this.options.retryAfterSeconds);
  }

  /**
   * Sheds at once, before any storage read, a request that cannot finish in
   * `budgetMs`: the queue is full, or the renders ahead of it (at the recent
   * render time) and its own would take longer. Under overload a request that
   * waits out its deadline in the queue only turns a fast 503 into a slow one,
   * and one admitted with too little time left is killed mid-render after
   * spending a slot.
   */
  admit(budgetMs: number): void {
    // The queue limit only bounds those who would wait: with queueSize 0 a free slot still runs.
    if (!this.slotFree && this.waiting.length >= this.options.queueSize) throw this.overloaded();
    // Only a request that would wait is judged: with a slot free it runs, which also keeps
    // the average current after a slow spell.
    const wait = this.expectedWaitMs();
    if (wait > 0 && (wait + (this.renderMs ?? 0)) * RENDER_TIME_HEADROOM > budgetMs) throw this.overloaded();
  }

  /** Expected wait for a slot of a request arriving now, from the recent render time. */
  expectedWaitMs(): number {
    if (this.renderMs === undefined || this.slotFree) return 0;
    // Each slot finishes a render every renderMs: the newcomer starts after its place in line clears.
    return this.renderMs * (Math.floor(this.waiting.length / this.options.slots) + 1);
  }

  /** Nobody is waiting and a slot is idle: a request arriving now would run at once (memory permitting). */
  private get slotFree(): boolean {
    return this.waiting.length === 0 && this.active < this.options.slots;
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Estimated bytes held by the renders running now. */
  get memoryInUse(): number {
    return this.usedBytes;
  }

  /**
   * Runs `task` once a slot and `bytes` of the budget are free. Rejects at
   * once with {@link OverloadedError} when the queue is full, with
   * {@link TooLargeToRenderError} when `bytes` exceeds the whole budget, and
   * with `signal`'s reason if it aborts while waiting.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal, bytes = 0): Promise<T> {
    await this.acquire(bytes, signal);
    const started = performance.now();
    try {
      return await task();
    } finally {
      const ms = performance.now() - started;
      this.renderMs =
        this.renderMs === undefined ? ms : this.renderMs + RENDER_EWMA_WEIGHT * (ms - this.renderMs);
      this.release(bytes);
    }
  }

  /**
   * Whether background work could start now: nobody waits and, with more
   * than one slot, one slot would still be left free for requests. Checked
   * before any storage read so a busy pod does not even start preparing.
   */
  get idleForBackground(): boolean {
    const reserved = this.options.slots > 1 ? 1 : 0;
    return this.waiting.length === 0 && this.active + reserved < this.options.slots;
  }

  /**
   * Runs `task` in a slot only if {@link idleForBackground} and `bytes` fits
   * right now, else returns undefined without queueing: background work
   * never waits in line ahead of a request, it is simply skipped. Its time
   * stays out of the render-time average, which sizes request admission: a
   * slow background encode would otherwise make requests shed early.
   */
  runInBackground<T>(task: () => Promise<T>, bytes = 0): Promise<T> | undefined {
    if (!this.idleForBackground || !this.fits(bytes)) return undefined;
    this.take(bytes);
    return task().finally(() => this.release(bytes));
  }

  private fits(bytes: number): boolean {
    return this.active < this.options.slots && this.usedBytes + bytes <= this.options.memoryBytes;
  }

  private acquire(bytes: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (bytes > this.options.memoryBytes) {
      return Promise.reject(new TooLargeToRenderError(bytes, this.options.memoryBytes));
    }
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.take(bytes);
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.queueSize) {
      return Promise.reject(this.overloaded());
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(
          signal?.reason instanceof Error ? signal.reason : new Error('aborted while waiting for a slot'),
        );
        // The head may have been what held the others back.
        this.admitWaiters();
      };
      const waiter: Waiter = {
        bytes,
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private take(bytes: number): void {
    this.active++;
    this.usedBytes += bytes;
  }

  private release(bytes: number): void {
    this.active--;
    this.usedBytes -= bytes;
    this.admitWaiters();
  }

  /** Admits waiters in order for as long as the head fits. */
  private admitWaiters(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const next = this.waiting.shift()!;
      this.take(next.bytes);
      next.admit();
    }
  }
}
