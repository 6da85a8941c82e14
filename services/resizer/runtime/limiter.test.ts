import { describe, expect, it } from 'vitest';
import { Limiter, OverloadedError, TooLargeToRenderError } from './limiter.js';

/** A task that finishes when told to. */
function gate(): { task: () => Promise<string>; open: () => void } {
  let open!: () => void;
  const done = new Promise<string>((resolve) => (open = () => resolve('done')));
  return { task: () => done, open };
}

describe('Limiter', () => {
  it('runs up to `slots` at once, queues the next ones and sheds the rest at once', async () => {
    const limiter = new Limiter({ slots: 2, queueSize: 1, retryAfterSeconds: 3, memoryBytes: 100 });
    const gates = [gate(), gate(), gate()];
    const running = gates.map((g) => limiter.run(g.task));
    expect([limiter.running, limiter.queued]).toEqual([2, 1]);

    const shed = limiter.run(() => Promise.resolve('never'));
    await expect(shed).rejects.toBeInstanceOf(OverloadedError);
    await expect(shed).rejects.toMatchObject({ status: 503, retryAfterSeconds: 3 });

    gates.forEach((g) => g.open());
    await expect(Promise.all(running)).resolves.toEqual(['done', 'done', 'done']);
    expect([limiter.running, limiter.queued]).toEqual([0, 0]);
  });

  it('hands a freed slot to the first waiter', async () => {
    const limiter = new Limiter({ slots: 1, queueSize: 5, retryAfterSeconds: 1, memoryBytes: 100 });
    const first = gate();
    const order: number[] = [];
    const runs = [
      limiter.run(first.task),
      ...[1, 2].map((n) => limiter.run(() => Promise.resolve(void order.push(n)))),
    ];
    first.open();
    await Promise.all(runs);
    expect(order).toEqual([1, 2]);
  });

  it('drops a waiter whose signal aborts, with the signal reason', async () => {
    const limiter = new Limiter({ slots: 1, queueSize: 5, retryAfterSeconds: 1, memoryBytes: 100 });
    const first = gate();
    const held = limiter.run(first.task);
    const controller = new AbortController();
    const waiting = limiter.run(() => Promise.resolve('late'), controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    expect(limiter.queued).toBe(0);
    first.open();
    await held;
    expect(limiter.running).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new Limiter({ slots: 1, queueSize: 0, retryAfterSeconds: 1, memoryBytes: 100 });
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(() => Promise.resolve(1))).resolves.toBe(1);
  });

  it('admits by estimated memory too: a render waits until the running ones leave room for it', async () => {
    const limiter = new Limiter({ slots: 4, queueSize: 5, retryAfterSeconds: 1, memoryBytes: 100 });
    const big = gate();
    const held = limiter.run(big.task, undefined, 70);
    const started: string[] = [];
    const second = limiter.run(() => Promise.resolve(void started.push('second')), undefined, 40);
    // Small enough to fit, but it does not overtake the waiter ahead of it.
    const third = limiter.run(() => Promise.resolve(void started.push('third')), undefined, 10);
    expect([limiter.running, limiter.queued, limiter.memoryInUse]).toEqual([1, 2, 70]);
    big.open();
    await Promise.all([held, second, third]);
    expect(started).toEqual(['second', 'third']);
    expect([limiter.running, limiter.memoryInUse]).toEqual([0, 0]);
  });

  it('refuses at once a render larger than the whole budget', async () => {
    const limiter = new Limiter({ slots: 2, queueSize: 5, retryAfterSeconds: 1, memoryBytes: 100 });
    await expect(limiter.run(() => Promise.resolve(1), undefined, 101)).rejects.toBeInstanceOf(
      TooLargeToRenderError,
    );
    await expect(limiter.run(() => Promise.resolve(1), undefined, 101)).rejects.toMatchObject({
      status: 422,
    });
    expect(limiter.queued).toBe(0);
  });

  it('lets the waiters behind an aborted head in', async () => {
    const limiter = new Limiter({ slots: 2, queueSize: 5, retryAfterSeconds: 1, memoryBytes: 100 });
    const first = gate();
    const held = limiter.run(first.task, undefined, 60);
    const controller = new AbortController();
    const head = limiter.run(() => Promise.resolve('head'), controller.signal, 50);
    const behind = limiter.run(() => Promise.resolve('behind'), undefined, 30);
    controller.abort(new Error('deadline'));
    await expect(head).rejects.toThrow('deadline');
    await expect(behind).resolves.toBe('behind');
    first.open();
    await held;
  });

  describe('admit: shedding before any work', () => {
    const slow = (ms: number) => () => new Promise<string>((r) => setTimeout(() => r('done'), ms));

    it('sheds at once when the queue is full', async () => {
      const limiter = new Limiter({ slots: 1, queueSize: 1, retryAfterSeconds: 2, memoryBytes: 100 });
      const gates = [gate(), gate()];
      const runs = gates.map((g) => limiter.run(g.task));
      expect(() => limiter.admit(60_000)).toThrow(OverloadedError);
      gates.forEach((g) => g.open());
      await Promise.all(runs);
      expect(() => limiter.admit(60_000)).not.toThrow();
    });

    it('with queueSize 0 renders while a slot is free and sheds the rest: no waiting line', async () => {
      const limiter = new Limiter({ slots: 1, queueSize: 0, retryAfterSeconds: 1, memoryBytes: 100 });
      expect(() => limiter.admit(60_000)).not.toThrow();
      const busy = gate();
      const running = limiter.run(busy.task);
      expect(limiter.running).toBe(1);
      expect(() => limiter.admit(60_000)).toThrow(OverloadedError);
      await expect(limiter.run(() => Promise.resolve('queued'))).rejects.toBeInstanceOf(OverloadedError);
      busy.open();
      await expect(running).resolves.toBe('done');
      expect(() => limiter.admit(60_000)).not.toThrow();
      await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next');
    });

    it('sheds a request whose wait for a slot and render would outlast its budget, from the recent render time', async () => {
      const limiter = new Limiter({ slots: 1, queueSize: 10, retryAfterSeconds: 1, memoryBytes: 100 });
      // Renders take about 50 ms here.
      await limiter.run(slow(50));
      const busy = gate();
      const running = limiter.run(busy.task);
      // One render ahead: ~50 ms wait + ~50 ms own render, with twice that as headroom.
      expect(limiter.expectedWaitMs()).toBeGreaterThanOrEqual(45);
      expect(() => limiter.admit(1_000)).not.toThrow();
      expect(() => limiter.admit(150)).toThrow(OverloadedError);
      busy.open();
      await running;
    });

    it('always admits while a slot is free, however slow renders were', async () => {
      const limiter = new Limiter({ slots: 2, queueSize: 10, retryAfterSeconds: 1, memoryBytes: 100 });
      await limiter.run(slow(80));
      expect(limiter.expectedWaitMs()).toBe(0);
      // Not enough time for a whole render, but nothing to wait for: it runs and the deadline decides.
      expect(() => limiter.admit(10)).not.toThrow();
    });
  });
});

describe('Limiter.runInBackground', () => {
  it('runs only with a slot to spare for requests, never queues, and frees its slot', async () => {
    const limiter = new Limiter({ slots: 2, queueSize: 4, retryAfterSeconds: 1, memoryBytes: 100 });
    const background = gate();
    const run = limiter.runInBackground(background.task, 10);
    expect(run).toBeDefined();
    expect([limiter.running, limiter.memoryInUse]).toEqual([1, 10]);
    // The last slot stays for requests: a second background task is skipped, a request runs.
    expect(limiter.runInBackground(() => Promise.resolve('skipped'))).toBeUndefined();
    const request = gate();
    const served = limiter.run(request.task);
    expect([limiter.running, limiter.queued]).toEqual([2, 0]);
    background.open();
    request.open();
    await expect(Promise.all([run, served])).resolves.toEqual(['done', 'done']);
    expect([limiter.running, limiter.memoryInUse]).toEqual([0, 0]);
  });

  it('is skipped while requests wait or when its bytes do not fit', async () => {
    const limiter = new Limiter({ slots: 1, queueSize: 4, retryAfterSeconds: 1, memoryBytes: 100 });
    expect(limiter.runInBackground(() => Promise.resolve('x'), 101)).toBeUndefined();
    const held = gate();
    const runs = [limiter.run(held.task), limiter.run(() => Promise.resolve('queued'))];
    expect(limiter.queued).toBe(1);
    expect(limiter.idleForBackground).toBe(false);
    expect(limiter.runInBackground(() => Promise.resolve('x'))).toBeUndefined();
    held.open();
    await Promise.all(runs);
    // One slot and nothing waiting: background work may use it.
    await expect(limiter.runInBackground(() => Promise.resolve('ran'))).resolves.toBe('ran');
  });
});
