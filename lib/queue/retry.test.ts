import { describe, expect, it } from 'vitest';
import { UnrecoverableError } from '../errors.js';
import { assertRetryPolicy, delayBefore, onFailure } from './retry.js';

const policy = { maxAttempts: 4, delaysMs: [100, 500] };

describe('delayBefore', () => {
  it('walks the delay list and repeats its last entry', () => {
    expect([2, 3, 4, 5].map((a) => delayBefore(policy, a))).toEqual([100, 500, 500, 500]);
  });

  it('is zero with no delays configured', () => {
    expect(delayBefore({ maxAttempts: 3, delaysMs: [] }, 2)).toBe(0);
  });
});

describe('onFailure', () => {
  it('retries a transient error with the next attempt number and its delay', () => {
    expect(onFailure(policy, 1, new Error('S3 down'))).toEqual({
      kind: 'retry',
      attempt: 2,
      delayMs: 100,
      reason: 'S3 down',
    });
    expect(onFailure(policy, 3, new Error('S3 down'))).toEqual({
      kind: 'retry',
      attempt: 4,
      delayMs: 500,
      reason: 'S3 down',
    });
  });

  it('dead-letters once the last attempt fails', () => {
    expect(onFailure(policy, 4, new Error('S3 down'))).toEqual({
      kind: 'dead-letter',
      reason: 'gave up after 4 attempts: S3 down',
    });
  });

  it('dead-letters an UnrecoverableError on the first attempt', () => {
    expect(onFailure(policy, 1, new UnrecoverableError('not an image'))).toEqual({
      kind: 'dead-letter',
      reason: 'unrecoverable: not an image',
    });
  });
});

describe('assertRetryPolicy', () => {
  it('rejects policies that cannot work', () => {
    expect(() => assertRetryPolicy({ maxAttempts: 0, delaysMs: [] })).toThrow(
      'maxAttempts must be a positive integer',
    );
    expect(() => assertRetryPolicy({ maxAttempts: 2, delaysMs: [10, -1] })).toThrow('non-negative integers');
    expect(() => assertRetryPolicy(policy)).not.toThrow();
  });
});
