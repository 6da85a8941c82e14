import { ExponentialBackoff } from './backoff.js';

/** What a handler tells the queue about a key it processed. */
export type WorkResult =
  /** Done until something changes. */
  | { kind: 'done' }
  /** Failed: retry with exponential backoff. */
  | { kind: 'retry'; error: unknown }
  /** Look again after a fixed delay (e.g. waiting for a user to create a Secret). */
  | { kind: 'recheck'; afterMs: number };

export type WorkHandler = (key: string) => Promise<WorkResult>;

export interface WorkQueueHooks {
  onDepth?: (depth: number) => void;
  onRetry?: (key: string, delayMs: number, error: unknown) => void;
}

/**
 * A work queue with client-go's guarantees: a key is queued at most once
 * however many events arrive for it, is never processed by two workers at
 * the same time (an event during processing queues it again afterwards),
 * and failures come back with per-key exponential backoff.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys that got an event while being processed: queued again when done. */
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly backoff: ExponentialBackoff;
  private waiters: Array<() => void> = [];
  private stopped = false;
  private workers: Promise<void>[] = [];

  constructor(
    private readonly hooks: WorkQueueHooks = {},
    backoff = new ExponentialBackoff(),
  ) {
    this.backoff = backoff;
  }

  /** Keys waiting to be processed. */
  get depth(): number {
    return this.queue.length;
  }

  /** Queues `key` now; a pending delayed retry of it is superseded. */
  add(key: string): void {
    if (this.stopped) return;
    this.clearTimer(key);
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.hooks.onDepth?.(this.queue.length);
    this.waiters.shift()?.();
  }

  /** Queues `key` after `ms`, unless it is queued sooner. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    this.clearTimer(key);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Starts `concurrency` workers that run `handler` on each key. */
  run(handler: WorkHandler, concurrency: number): void {
    for (let i = 0; i < concurrency; i++) this.workers.push(this.work(handler));
  }

  /** Stops taking keys and resolves when in-flight handlers have finished. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const key of [...this.timers.keys()]) this.clearTimer(key);
    for (const wake of this.waiters.splice(0)) wake();
    await Promise.all(this.workers);
  }

  private async work(handler: WorkHandler): Promise<void> {
    for (;;) {
      const key = await this.next();
      if (key === undefined) return;
      let result: WorkResult;
      try {
        result = await handler(key);
      } catch (error) {
        result = { kind: 'retry', error };
      }
      this.finish(key, result);
    }
  }

  private async next(): Promise<string | undefined> {
    while (!this.stopped) {
      const key = this.queue.shift();
      if (key !== undefined) {
        this.queued.delete(key);
        this.processing.add(key);
        this.hooks.onDepth?.(this.queue.length);
        return key;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return undefined;
  }

  private finish(key: string, result: WorkResult): void {
    this.processing.delete(key);
    if (result.kind === 'retry') {
      const delay = this.backoff.next(key);
      this.hooks.onRetry?.(key, delay, result.error);
      this.addAfter(key, delay);
    } else {
      this.backoff.reset(key);
      if (result.kind === 'recheck') this.addAfter(key, result.afterMs);
    }
    // An event that arrived while processing wins over any scheduled retry: the state changed.
    if (this.dirty.delete(key)) this.add(key);
  }

  private clearTimer(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }
}
