import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { UnrecoverableError } from '../errors.js';
import { MemoryTaskQueue } from './memory-queue.js';
import { registerQueueMetrics } from './queue-metrics.js';
import { QueueUnavailableError, type TaskQueue } from './queue.js';

describe('registerQueueMetrics', () => {
  it('reports the backlog and the dead-letter queue at each scrape', async () => {
    const queue = new MemoryTaskQueue<{ n: number }>({ retry: { maxAttempts: 1, delaysMs: [1] } });
    const registry = new Registry();
    registerQueueMetrics(registry, queue);
    registerQueueMetrics(registry, queue); // media and converter on one registry, as in `enlarger dev`
    for (const n of [1, 2, 3]) await queue.publish({ n });
    expect(await registry.metrics()).toContain('enlarger_queue_messages{queue="tasks"} 3');
    expect(await registry.metrics()).toContain('enlarger_queue_messages{queue="dead_letter"} 0');

    await queue.consume((task) => {
      if (task.n === 2) throw new UnrecoverableError('corrupt');
      return Promise.resolve();
    });
    await queue.drained();
    const after = await registry.metrics();
    expect(after).toContain('enlarger_queue_messages{queue="tasks"} 0');
    expect(after).toContain('enlarger_queue_messages{queue="dead_letter"} 1');
    await queue.close();
  });

  it('drops its series, rather than keep a stale one, while the broker does not answer', async () => {
    let up = true;
    const answer = (n: number) =>
      up ? Promise.resolve(n) : Promise.reject(new QueueUnavailableError('not connected'));
    const queue = {
      depth: () => answer(4),
      deadLetterDepth: () => answer(1),
    } as unknown as TaskQueue<unknown>;
    const registry = new Registry();
    registerQueueMetrics(registry, queue);
    expect(await registry.metrics()).toContain('enlarger_queue_messages{queue="tasks"} 4');
    up = false;
    expect(await registry.metrics()).not.toMatch(/enlarger_queue_messages\{/);
  });
});
