/**
 * Request coalescing: concurrent calls with the same key share one run of
 * the work. Twenty CDN edges missing on the same new photo cost one render.
 */
export class Coalescer<T> {
  private readonly pending = new Map<string, Promise<T>>();

  /** Number of distinct keys being worked on now. */
  get size(): number {
    return this.pending.size;
  }

  /** Whether a run for `key` is in progress (a call now would join it). */
  has(key: string): boolean {
    return this.pending.has(key);
  }

  /** Joins the run in progress for `key`, or starts `work` as the leader. */
  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.pending.get(key);
    if (existing) return existing;
    const promise = work().finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return promise;
  }
}
