import { describe, expect, it } from 'vitest';
import { informerHealth, leaseHealth, WATCH_FAILURE_BOUND_MS } from './health.js';

const informer = (resource: string, failingSince?: number) => ({
  resource,
  failingSince: () => failingSince,
});
const informers = (synced: boolean, ...all: ReturnType<typeof informer>[]) =>
  ({ synced: () => synced, all }) as unknown as Parameters<typeof informerHealth>[0];

describe('informerHealth', () => {
  it('is unready before the first list', () => {
    expect(() => informerHealth(informers(false), 0)).toThrow('caches not synced');
  });

  it('tolerates a watch failing for up to the bound, then names it', () => {
    const now = 100_000;
    const within = informers(
      true,
      informer('services'),
      informer('deployments', now - WATCH_FAILURE_BOUND_MS),
    );
    expect(() => informerHealth(within, now)).not.toThrow();
    const past = informers(true, informer('deployments', now - WATCH_FAILURE_BOUND_MS - 1_000));
    expect(() => informerHealth(past, now)).toThrow('watch of deployments failing for 16 s');
  });
});

describe('leaseHealth', () => {
  it('is unready once no Lease request was answered within the renew deadline', () => {
    expect(() => leaseHealth(0, 10_000, { renewDeadlineMs: 10_000 })).not.toThrow();
    expect(() => leaseHealth(0, 12_400, { renewDeadlineMs: 10_000 })).toThrow(
      'no answer to a Lease request for 12 s',
    );
  });
});
