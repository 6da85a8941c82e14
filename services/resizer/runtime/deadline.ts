import type { Sharp } from 'sharp';
import { HttpError } from '../../../lib/errors.js';

/** The request ran out of time between two pipeline steps. */
export class DeadlineExceededError extends HttpError {
  constructor(readonly step: string) {
    super(503, 'deadline_exceeded', `the request took too long (at ${step})`, false);
  }
}

/** Whether `err` is libvips stopping work at sharp's `timeout`. */
export const isVipsTimeout = (err: unknown): boolean =>
  err instanceof Error && /^timeout: \d+% complete/.test(err.message);

/**
 * A per-request time budget, checked between pipeline steps and carried
 * into libvips as sharp's timeout ({@link bound}), which kills the work
 * mid-operation so one long decode or encode cannot run on.
 */
export class Deadline {
  private readonly expiresAt: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    budgetMs: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.expiresAt = this.now() + budgetMs;
  }

  /** Throws {@link DeadlineExceededError} naming `step` when the budget is spent. */
  check(step: string): void {
    if (this.now() >= this.expiresAt) throw new DeadlineExceededError(step);
  }

  /**
   * A signal that aborts with `reason()` when the budget runs out, for waits
   * that are not between steps (a storage read, a slot in the queue). Call
   * {@link dispose} when the request ends.
   */
  signal(reason: () => Error): AbortSignal {
    const controller = new AbortController();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => controller.abort(reason()), this.remainingMs());
    this.timer.unref();
    return controller.signal;
  }

  /**
   * Gives `image` the time left as sharp's timeout. sharp counts whole
   * seconds and 0 means none, so the cut comes at most a second after the
   * deadline, and there always is one.
   */
  bound(image: Sharp): Sharp {
    return image.timeout({ seconds: Math.max(1, Math.floor(this.remainingMs() / 1000)) });
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  /** Whether the budget is spent. */
  get expired(): boolean {
    return this.remainingMs() === 0;
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.expiresAt - this.now());
  }
}
