import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExponentialBackoff } from './backoff.js';
import { WorkQueue, type WorkResult } from './work-queue.js';

const done: WorkResult = { kind: 'done' };

describe('WorkQueue', () => {
  let queue: WorkQueue;
  afterEach(async () => {
    vi.useRealTimers();
    await queue.shutdown();
  });

  it('coalesces events for a queued key into one run', async () => {
    queue = new WorkQueue();
    const seen: string[] = [];
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.run((key) => {
      seen.push(key);
      return Promise.resolve(done);
    }, 1);
    await vi.waitFor(() => expect(seen).toEqual(['a', 'b']));
  });

  it('never runs one key on two workers, and reruns it once if an event came in meanwhile', async () => {
    queue = new WorkQueue();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    let release!: () => void;
    const firstRunBlocked = new Promise<void>((resolve) => (release = resolve));
    queue.run(async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      if (runs === 1) await firstRunBlocked;
      running--;
      return done;
    }, 4);
    queue.add('a');
    await vi.waitFor(() => expect(runs).toBe(1));
    queue.add('a');
    queue.add('a');
    release();
    await vi.waitFor(() => expect(runs).toBe(2));
    expect(maxRunning).toBe(1);
  });

  it('retries failures with growing delays and reports them', async () => {
    const retries: number[] = [];
    queue = new WorkQueue(
      { onRetry: (_key, delay) => retries.push(delay) },
      new ExponentialBackoff(10, 1000),
    );
    let calls = 0;
    queue.run(() => {
      calls++;
      return Promise.resolve(calls < 4 ? { kind: 'retry', error: new Error('boom') } : done);
    }, 1);
    queue.add('a');
    await vi.waitFor(() => expect(calls).toBe(4));
    expect(retries).toEqual([10, 20, 40]);
  });

  it('turns a thrown error into a retry', async () => {
    queue = new WorkQueue({}, new ExponentialBackoff(1, 1));
    let calls = 0;
    queue.run(() => {
      if (++calls === 1) return Promise.reject(new Error('unexpected'));
      return Promise.resolve(done);
    }, 1);
    queue.add('a');
    await vi.waitFor(() => expect(calls).toBe(2));
  });

  it('rechecks after a fixed delay', async () => {
    vi.useFakeTimers();
    queue = new WorkQueue();
    let calls = 0;
    queue.run(() => Promise.resolve(++calls === 1 ? { kind: 'recheck', afterMs: 30_000 } : done), 1);
    queue.add('a');
    await vi.advanceTimersByTimeAsync(29_000);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(2);
  });
});

describe('ExponentialBackoff', () => {
  it('doubles per failure up to the cap and starts over after reset', () => {
    const backoff = new ExponentialBackoff(100, 500);
    expect([1, 2, 3, 4].map(() => backoff.next('k'))).toEqual([100, 200, 400, 500]);
    expect(backoff.next('other')).toBe(100);
    backoff.reset('k');
    expect(backoff.next('k')).toBe(100);
  });
});
