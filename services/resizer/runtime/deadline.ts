import { HttpError } from '../../../lib/errors.js';

/** The request ran out of time between two pipeline steps. */
export class DeadlineExceededError extends HttpError {
  constructor(readonly step: string) {
    super(503, 'deadline_exceeded', `the request took too long (at ${step})`, false);
  }
}

/**
 * A per-request time budget, checked between pipeline steps. libvips cannot
 * be interrupted mid-operation, so the checks stop further work once the
 * client would have given up anyway.
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
   * A signal that aborts with {@link DeadlineExceededError} when the budget
   * runs out, for waits that are not between steps (a slot in the queue).
   * Call {@link dispose} when the request ends.
   */
  signal(step: string): AbortSignal {
    const controller = new AbortController();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => controller.abort(new DeadlineExceededError(step)), this.remainingMs());
    this.timer.unref();
    return controller.signal;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.expiresAt - this.now());
  }
}
