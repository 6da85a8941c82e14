import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { UnrecoverableError } from '../errors.js';
import { MemoryTaskQueue } from './memory-queue.js';
import type { TaskContext } from './queue.js';

interface Task {
  id: number;
  at?: Date | string;
}

const queues: MemoryTaskQueue<Task>[] = [];
const newQueue = (...args: ConstructorParameters<typeof MemoryTaskQueue<Task>>) => {
  const queue = new MemoryTaskQueue<Task>(...args);
  queues.push(queue);
  return queue;
};

afterEach(async () => {
  await Promise.all(queues.splice(0).map((q) => q.close()));
});

describe('MemoryTaskQueue', () => {
  it('holds tasks until a consumer comes, then delivers each once with attempt 1', async () => {
    const queue = newQueue();
    await queue.publish({ id: 1 });
    await queue.publish({ id: 2 });
    expect(await queue.depth()).toBe(2);

    const seen: Array<[number, TaskContext]> = [];
    await queue.consume((task, context) => {
      seen.push([task.id, context]);
      return Promise.resolve();
    });
    await queue.drained();
    expect(seen).toEqual([
      [1, { attempt: 1, final: false }],
      [2, { attempt: 1, final: false }],
    ]);
    expect(await queue.depth()).toBe(0);
  });

  it('delivers a JSON copy, as a broker would', async () => {
    const queue = newQueue();
    const received: Task[] = [];
    await queue.consume((task) => {
      received.push(task);
      return Promise.resolve();
    });
    const task = { id: 1, at: new Date('2024-01-02T03:04:05Z') };
    await queue.publish(task);
    await queue.drained();
    expect(received).toEqual([{ id: 1, at: '2024-01-02T03:04:05.000Z' }]);
    expect(received[0]).not.toBe(task);
  });

  it('runs at most `prefetch` handlers at once', async () => {
    const queue = newQueue({ prefetch: 3 });
    let running = 0;
    let peak = 0;
    await queue.consume(async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(10);
      running--;
    });
    for (let id = 0; id < 10; id++) await queue.publish({ id });
    expect(await queue.depth()).toBe(7);
    await queue.drained();
    expect(peak).toBe(3);
  });

  it('retries after the policy delays, then succeeds', async () => {
    const queue = newQueue({ retry: { maxAttempts: 5, delaysMs: [20, 40] } });
    const attempts: Array<{ attempt: number; at: number }> = [];
    await queue.consume((_task, { attempt }) => {
      attempts.push({ attempt, at: performance.now() });
      return attempt < 3 ? Promise.reject(new Error('flaky')) : Promise.resolve();
    });
    await queue.publish({ id: 1 });
    await queue.drained();
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(19);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(39);
    expect(queue.deadLetters).toEqual([]);
  });

  it('dead-letters exhausted retries and unrecoverable errors', async () => {
    const queue = newQueue({ retry: { maxAttempts: 2, delaysMs: [1] } });
    const finals: boolean[] = [];
    await queue.consume((task, { final }) => {
      finals.push(final);
      return Promise.reject(task.id === 1 ? new Error('still down') : new UnrecoverableError('corrupt'));
    });
    await queue.publish({ id: 1 });
    await queue.publish({ id: 2 });
    await queue.drained();
    expect(queue.deadLetters).toEqual([
      { task: { id: 2 }, attempt: 1, reason: 'unrecoverable: corrupt' },
      { task: { id: 1 }, attempt: 2, reason: 'gave up after 2 attempts: still down' },
    ]);
    expect(finals).toEqual([false, false, true]);
  });

  it('waits for running handlers on close and refuses work afterwards', async () => {
    const queue = newQueue();
    let finished = false;
    await queue.consume(async () => {
      await sleep(20);
      finished = true;
    });
    await queue.publish({ id: 1 });
    await queue.close();
    expect(finished).toBe(true);
    expect(queue.healthy()).toBe(false);
    await expect(queue.publish({ id: 2 })).rejects.toThrow('closed');
  });

  it('allows only one consumer', async () => {
    const queue = newQueue();
    await queue.consume(() => Promise.resolve());
    await expect(queue.consume(() => Promise.resolve())).rejects.toThrow('already has a consumer');
  });
});
