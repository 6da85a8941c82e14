import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { VipsThreads } from './vips-threads.js';

describe('VipsThreads', () => {
  const before = sharp.concurrency();
  afterAll(() => sharp.concurrency(before));

  it('starts shared, gives a lone render every thread and renders that share the cores one each', () => {
    const threads = new VipsThreads({ alone: 3, shared: 1 });
    expect(sharp.concurrency()).toBe(1);
    threads.starting(1);
    expect(sharp.concurrency()).toBe(3);
    threads.starting(2);
    expect(sharp.concurrency()).toBe(1);
    threads.starting(1);
    expect(sharp.concurrency()).toBe(3);
  });
});
