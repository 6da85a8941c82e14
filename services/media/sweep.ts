import { messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log/logger.js';
import { isPhotoId, PENDING_PREFIX } from '../../lib/photos/keys.js';
import type { ConversionTask } from '../../lib/photos/manifest.js';
import { markPending } from '../../lib/photos/records.js';
import type { TaskQueue } from '../../lib/queue/queue.js';
import type { Storage } from '../../lib/storage/storage.js';
import type { MediaMetrics } from './metrics.js';

/**
 * Re-enqueues photos whose pending marker is older than `afterMs`: the
 * publish at upload failed, or the task was lost. Re-publishing a task that
 * is merely slow costs one duplicate conversion, which is idempotent; the
 * marker is touched so the same photo is not re-sent every round. Several
 * media replicas may sweep at once for the same reason.
 */
export class PendingSweep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly queue: TaskQueue<ConversionTask>,
    private readonly options: { afterMs: number; intervalMs: number },
    private readonly metrics: MediaMetrics,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((err: unknown) => this.log.warn({ error: messageOf(err) }, 'sweep failed; next round retries'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a round in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the pending markers; returns how many photos were re-enqueued. */
  async runOnce(now = Date.now()): Promise<number> {
    let count = 0;
    for await (const marker of this.storage.list(PENDING_PREFIX)) {
      const id = marker.key.slice(PENDING_PREFIX.length);
      const age = now - (marker.lastModified?.getTime() ?? now);
      if (!isPhotoId(id) || age < this.options.afterMs) continue;
      await this.queue.publish({ photoId: id });
      await markPending(this.storage, id);
      this.metrics.swept.inc();
      count++;
    }
    if (count > 0) this.log.info({ count }, 'sweep re-enqueued stuck photos');
    return count;
  }
}
