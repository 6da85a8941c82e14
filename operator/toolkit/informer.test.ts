import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { restartReason } from './informer.js';
import { retryAfterMs, watchTimeoutSeconds, WatchError } from './watch.js';

describe('restartReason', () => {
  it.each([
    [null, 'closed'],
    [new WatchError('gone', 410), 'expired'],
    [new WatchError('too many', 429, 1_000), 'throttled'],
    [new ApiException(503, 'unavailable', {}, {}), 'server_error'],
    [new ApiException(403, 'forbidden', {}, {}), 'rejected'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'unreachable'],
    [new WatchError('no response', undefined), 'unreachable'],
  ])('%s → %s', (err, reason) => {
    expect(restartReason(err)).toBe(reason);
  });
});

describe('watch options', () => {
  it('asks for a 5–10 minute server-side timeout, as client-go does', () => {
    expect([watchTimeoutSeconds(() => 0), watchTimeoutSeconds(() => 0.999)]).toEqual([300, 599]);
  });

  it('reads Retry-After in seconds and ignores what is not a number', () => {
    expect([retryAfterMs('1'), retryAfterMs(['3']), retryAfterMs('soon'), retryAfterMs(undefined)]).toEqual([
      1_000,
      3_000,
      undefined,
      undefined,
    ]);
  });
});
