/** Per-key exponential backoff, as client-go's ItemExponentialFailureRateLimiter. */
export class ExponentialBackoff {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseMs = 200,
    private readonly maxMs = 300_000,
  ) {}

  /** Records a failure of `key` and returns how long to wait before retrying it. */
  next(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** n);
  }

  /** Retries so far for `key`. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Forgets `key` after a success, so its next failure starts from the base delay again. */
  reset(key: string): void {
    this.failures.delete(key);
  }
}
