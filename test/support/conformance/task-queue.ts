import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { UnrecoverableError } from '../../../lib/errors.js';
import type { RetryPolicy, TaskContext, TaskQueue } from '../../../lib/queue/queue.js';
import { eventually } from '../wait.js';

export interface ConformanceTask {
  id: number;
  at?: Date | string;
}

export interface QueueUnderTest {
  queue: TaskQueue<ConformanceTask>;
  /** Removes what the queue left behind on its backend (queues on a broker); optional. */
  dispose?: () => Promise<void>;
}

/** Makes a fresh, empty queue of the backend under test. */
export type QueueFactory = (options: { prefetch?: number; retry: RetryPolicy }) => Promise<QueueUnderTest>;

const FAST_RETRY: RetryPolicy = { maxAttempts: 3, delaysMs: [200, 400] };
const soon = { timeoutMs: 30_000, intervalMs: 20 };

/**
 * The contract every {@link TaskQueue} keeps, run against each backend:
 * `enlarger dev` and most tests rely on the in-process queue behaving as the
 * AMQP one does, so both answer to the same cases (BullMQ's adapter
 * conformance suite is the model). What only one backend can show (a broker
 * dropping a connection, the dead-letter headers) stays in its own file.
 */
export function describeTaskQueue(backend: string, factory: QueueFactory): void {
  describe(`TaskQueue contract: ${backend}`, () => {
    const opened: QueueUnderTest[] = [];
    const open = async (options: { prefetch?: number; retry?: RetryPolicy } = {}) => {
      const underTest = await factory({ retry: FAST_RETRY, ...options });
      opened.push(underTest);
      return underTest.queue;
    };
    afterEach(async () => {
      for (const { queue, dispose } of opened.splice(0)) {
        await queue.close();
        await dispose?.();
      }
    });

    it('holds tasks until a consumer comes, then delivers each once with attempt 1', async () => {
      const queue = await open();
      await queue.publish({ id: 1 });
      await queue.publish({ id: 2 });
      await eventually(async () => (await queue.depth()) === 2, { ...soon, what: 'depth 2' });

      const seen: Array<[number, TaskContext]> = [];
      await queue.consume((task, context) => {
        seen.push([task.id, context]);
        return Promise.resolve();
      });
      await eventually(() => seen.length === 2, { ...soon, what: 'both tasks' });
      expect(seen.sort(([a], [b]) => a - b)).toEqual([
        [1, { attempt: 1, final: false }],
        [2, { attempt: 1, final: false }],
      ]);
      await eventually(async () => (await queue.depth()) === 0, { ...soon, what: 'depth 0' });
      await sleep(100);
      expect(seen).toHaveLength(2);
    });

    it('delivers a JSON copy of the task, never the published object', async () => {
      const queue = await open();
      const received: ConformanceTask[] = [];
      await queue.consume((task) => {
        received.push(task);
        return Promise.resolve();
      });
      const task = { id: 1, at: new Date('2024-01-02T03:04:05Z') };
      await queue.publish(task);
      await eventually(() => received.length === 1, { ...soon, what: 'the task' });
      expect(received).toEqual([{ id: 1, at: '2024-01-02T03:04:05.000Z' }]);
      expect(received[0]).not.toBe(task);
    });

    it('runs at most `prefetch` handlers at once', async () => {
      const queue = await open({ prefetch: 3 });
      let running = 0;
      let peak = 0;
      const done: number[] = [];
      await queue.consume(async (task) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(200);
        running--;
        done.push(task.id);
      });
      for (let id = 0; id < 10; id++) await queue.publish({ id });
      await eventually(() => done.length === 10, { ...soon, what: 'all 10 tasks' });
      expect(peak).toBe(3);
    });

    it('retries a failing task after the policy delays, then succeeds', async () => {
      const queue = await open();
      const attempts: Array<{ attempt: number; at: number }> = [];
      await queue.consume((_task, { attempt }) => {
        attempts.push({ attempt, at: performance.now() });
        return attempt < 3 ? Promise.reject(new Error('S3 is down')) : Promise.resolve();
      });
      await queue.publish({ id: 1 });
      await eventually(() => attempts.length === 3, { ...soon, what: 'the third attempt' });
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      // Delays are lower bounds: a retry never comes back early.
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(190);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(390);
      await sleep(300);
      expect(attempts).toHaveLength(3);
      expect(await queue.deadLetterDepth()).toBe(0);
    });

    it('dead-letters an unrecoverable task at once and an exhausted one after its last attempt', async () => {
      const queue = await open({ retry: { maxAttempts: 2, delaysMs: [50] } });
      const calls: Array<[number, TaskContext]> = [];
      await queue.consume((task, context) => {
        calls.push([task.id, context]);
        return Promise.reject(task.id === 1 ? new Error('still down') : new UnrecoverableError('corrupt'));
      });
      await queue.publish({ id: 1 });
      await queue.publish({ id: 2 });
      await eventually(async () => (await queue.deadLetterDepth()) === 2, {
        ...soon,
        what: 'two dead letters',
      });
      expect(calls.filter(([id]) => id === 2).map(([, c]) => c)).toEqual([{ attempt: 1, final: false }]);
      expect(calls.filter(([id]) => id === 1).map(([, c]) => c)).toEqual([
        { attempt: 1, final: false },
        { attempt: 2, final: true },
      ]);
    });

    it('waits for running handlers on close, then is unhealthy and refuses to publish', async () => {
      const queue = await open();
      let started = false;
      let finished = false;
      await queue.consume(async () => {
        started = true;
        await sleep(200);
        finished = true;
      });
      await queue.publish({ id: 1 });
      await eventually(() => started, { ...soon, what: 'the handler to start' });
      expect(queue.healthy()).toBe(true);
      await queue.close();
      expect(finished).toBe(true);
      expect(queue.healthy()).toBe(false);
      await expect(queue.publish({ id: 2 })).rejects.toThrow('closed');
    });
  });
}
