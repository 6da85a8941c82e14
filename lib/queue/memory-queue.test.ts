import { afterEach, describe, expect, it } from 'vitest';
import { UnrecoverableError } from '../errors.js';
import { describeTaskQueue } from '../../test/support/conformance/task-queue.js';
import { MemoryTaskQueue } from './memory-queue.js';

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

describeTaskQueue('in-process', ({ prefetch, retry }) =>
  Promise.resolve({ queue: new MemoryTaskQueue({ prefetch, retry }) }),
);

// What only the in-process queue has: `drained()` and the dead letters it keeps in memory.
describe('MemoryTaskQueue', () => {
  it('drained() resolves once every task, retries included, has been handled', async () => {
    const queue = newQueue({ prefetch: 2, retry: { maxAttempts: 2, delaysMs: [20] } });
    const handled: number[] = [];
    await queue.consume((task, { attempt }) => {
      handled.push(task.id);
      return task.id === 3 && attempt === 1 ? Promise.reject(new Error('flaky')) : Promise.resolve();
    });
    for (let id = 1; id <= 4; id++) await queue.publish({ id });
    await queue.drained();
    expect(handled.sort()).toEqual([1, 2, 3, 3, 4]);
    expect(await queue.depth()).toBe(0);
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

  it('keeps the newest dead letters up to its limit, dropping from the head as a broker would', async () => {
    const queue = newQueue({ retry: { maxAttempts: 1, delaysMs: [] }, deadLetterLimit: 3 });
    await queue.consume(() => Promise.reject(new UnrecoverableError('corrupt')));
    for (let id = 1; id <= 5; id++) await queue.publish({ id });
    await queue.drained();
    expect(queue.deadLetters.map((d) => d.task.id)).toEqual([3, 4, 5]);
    expect(await queue.deadLetterDepth()).toBe(3);
  });

  it('allows only one consumer', async () => {
    const queue = newQueue();
    await queue.consume(() => Promise.resolve());
    await expect(queue.consume(() => Promise.resolve())).rejects.toThrow('already has a consumer');
  });
});
