import { Gauge, type Registry } from 'prom-client';
import type { TaskQueue } from './queue.js';

const QUEUE_MESSAGES = 'enlarger_queue_messages';

/**
 * `enlarger_queue_messages{queue="tasks"|"dead_letter"}`: the conversion
 * backlog and the dead-letter queue, asked of the broker at scrape time.
 * Media and converter both register it, so it is there while either runs
 * (the converter may be scaled to zero); a dashboard takes the max. When the
 * broker does not answer the gauge has no series rather than a stale one.
 * Registering it again on the same registry (`enlarger dev` runs both
 * services on one) does nothing.
 */
export function registerQueueMetrics(registry: Registry, queue: TaskQueue<unknown>): void {
  if (registry.getSingleMetric(QUEUE_MESSAGES)) return;
  new Gauge({
    name: QUEUE_MESSAGES,
    help: 'Messages waiting in the conversion queue (tasks) and its dead-letter queue (dead_letter).',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const [tasks, deadLetter] = await Promise.allSettled([queue.depth(), queue.deadLetterDepth()]);
      if (tasks.status === 'fulfilled') this.set({ queue: 'tasks' }, tasks.value);
      if (deadLetter.status === 'fulfilled') this.set({ queue: 'dead_letter' }, deadLetter.value);
    },
  });
}
