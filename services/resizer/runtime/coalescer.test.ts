import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalescer.js';
import { Deadline, DeadlineExceededError } from './deadline.js';

describe('Coalescer', () => {
  it('runs concurrent identical work once and shares the result', async () => {
    const coalescer = new Coalescer<number>();
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      return 42;
    };
    const results = await Promise.all(Array.from({ length: 20 }, () => coalescer.run('k', work)));
    expect(results).toEqual(Array(20).fill(42));
    expect(runs).toBe(1);
    expect(coalescer.size).toBe(0);
  });

  it('runs different keys separately and forgets failures', async () => {
    const coalescer = new Coalescer<string>();
    await expect(coalescer.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(coalescer.has('a')).toBe(false);
    await expect(
      Promise.all([
        coalescer.run('a', () => Promise.resolve('A')),
        coalescer.run('b', () => Promise.resolve('B')),
      ]),
    ).resolves.toEqual(['A', 'B']);
  });
});

describe('Deadline', () => {
  it('throws naming the step once the budget is spent', () => {
    let now = 0;
    const deadline = new Deadline(100, () => now);
    deadline.check('load');
    now = 100;
    expect(() => deadline.check('resize')).toThrow(DeadlineExceededError);
    expect(() => deadline.check('resize')).toThrow(/at resize/);
    expect(deadline.remainingMs()).toBe(0);
  });

  it('aborts its signal with the given reason once the budget is spent', async () => {
    const deadline = new Deadline(5);
    const signal = deadline.signal(() => new DeadlineExceededError('storage'));
    expect(deadline.expired).toBe(false);
    await new Promise((r) => setTimeout(r, 20));
    expect(signal.reason).toBeInstanceOf(DeadlineExceededError);
    expect(deadline.expired).toBe(true);
  });
});
