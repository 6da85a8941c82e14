import type { V1Lease } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../lib/log/logger.js';
import { LeaderElector, LeadershipLostError, type LeaderCallbacks } from './leader-election.js';
import type { LeaseClient } from './lease-client.js';

const OPTIONS = {
  namespace: 'ns',
  name: 'lease',
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};
const log = createLogger({ level: 'silent' });
const apiError = (code: number) => Object.assign(new Error(`status ${code}`), { code });

/**
 * One Lease in memory with the apiserver's optimistic concurrency, and a
 * client per replica whose connection can be stalled: a stalled call never
 * answers and ignores its abort signal, the worst a hung socket can do.
 */
function memoryLeaseServer() {
  let stored: V1Lease | undefined;
  let version = 0;
  const save = (lease: V1Lease): V1Lease => {
    stored = structuredClone({
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: String(++version) },
    });
    return structuredClone(stored);
  };
  return {
    client() {
      const link = { stalled: false, hung: [] as AbortSignal[] };
      const call = <T>(signal: AbortSignal, answer: () => T): Promise<T> => {
        if (link.stalled) {
          link.hung.push(signal);
          return new Promise<T>(() => undefined);
        }
        return Promise.resolve().then(answer);
      };
      const client: LeaseClient = {
        read: (_ns, _name, signal) =>
          call(signal, () => {
            if (!stored) throw apiError(404);
            return structuredClone(stored);
          }),
        create: (lease, signal) =>
          call(signal, () => {
            if (stored) throw apiError(409);
            return save(lease);
          }),
        replace: (lease, signal) =>
          call(signal, () => {
            if (lease.metadata?.resourceVersion !== stored?.metadata?.resourceVersion) throw apiError(409);
            return save(lease);
          }),
      };
      return { client, link };
    },
  };
}

/** Runs an elector, and a "worker" that tries a fenced write every 100 ms, logging when each succeeded. */
function replica(leases: LeaseClient, identity: string, writes: Array<{ who: string; at: number }>) {
  const elector = new LeaderElector(leases, { ...OPTIONS, identity }, log);
  const term = { started: NaN, stopped: NaN, renewals: [] as number[] };
  const worker = setInterval(() => {
    try {
      elector.writeSignal();
      writes.push({ who: identity, at: Date.now() });
    } catch (err) {
      if (!(err instanceof LeadershipLostError)) throw err;
    }
  }, 100);
  const callbacks: LeaderCallbacks = {
    onStartedLeading: () => (term.started = Date.now()),
    onStoppedLeading: () => {
      term.stopped = Date.now();
      clearInterval(worker);
    },
    onRenewed: (at) => term.renewals.push(at),
  };
  const stop = new AbortController();
  const done = elector.run(stop.signal, callbacks);
  return { elector, term, done, stop: () => (clearInterval(worker), stop.abort()) };
}

describe('LeaderElector', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends its term on its own timer when a renewal hangs: fence closed, request aborted, workers stopped', async () => {
    const { client, link } = memoryLeaseServer().client();
    const a = replica(client, 'a', []);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(a.elector.isLeader()).toBe(true);
    const fence = a.elector.writeSignal();

    link.stalled = true;
    const lastRenewal = a.term.renewals.at(-1) ?? NaN;
    await vi.advanceTimersByTimeAsync(OPTIONS.renewDeadlineMs + 1);

    expect(a.term.stopped).toBe(lastRenewal + OPTIONS.renewDeadlineMs);
    expect(a.elector.isLeader()).toBe(false);
    expect(fence.aborted).toBe(true);
    expect(() => a.elector.writeSignal()).toThrow(LeadershipLostError);
    expect(link.hung.length).toBeGreaterThan(0);
    expect(link.hung.every((signal) => signal.aborted)).toBe(true);
    await expect(a.done).resolves.toBe('lost');
  });

  it('never lets two replicas write in the same instant when the leader is stalled', async () => {
    const server = memoryLeaseServer();
    const writes: Array<{ who: string; at: number }> = [];
    const aLink = server.client();
    const a = replica(aLink.client, 'a', writes);
    await vi.advanceTimersByTimeAsync(1_000);
    const b = replica(server.client().client, 'b', writes);
    await vi.advanceTimersByTimeAsync(10_000);
    expect([a.elector.isLeader(), b.elector.isLeader()]).toEqual([true, false]);

    aLink.link.stalled = true;
    await vi.advanceTimersByTimeAsync(40_000);

    expect(b.elector.isLeader()).toBe(true);
    await expect(a.done).resolves.toBe('lost');
    // The standby may take over only a full lease duration after it last saw a renewal.
    expect(b.term.started).toBeGreaterThanOrEqual(
      a.term.stopped + OPTIONS.leaseDurationMs - OPTIONS.renewDeadlineMs,
    );
    const lastOfA = Math.max(...writes.filter((w) => w.who === 'a').map((w) => w.at));
    const firstOfB = Math.min(...writes.filter((w) => w.who === 'b').map((w) => w.at));
    expect(lastOfA).toBeLessThan(a.term.stopped);
    expect(firstOfB).toBeGreaterThan(a.term.stopped);
    b.stop();
    await expect(b.done).resolves.toBe('stopped');
  });

  it('releases the lease on stop so a successor takes it without waiting for expiry', async () => {
    const server = memoryLeaseServer();
    const a = replica(server.client().client, 'a', []);
    await vi.advanceTimersByTimeAsync(1_000);
    const b = replica(server.client().client, 'b', []);
    await vi.advanceTimersByTimeAsync(1_000);
    a.stop();
    await expect(a.done).resolves.toBe('stopped');
    const stoppedAt = Date.now();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(b.elector.isLeader()).toBe(true);
    expect(b.term.started - stoppedAt).toBeLessThanOrEqual(OPTIONS.retryPeriodMs + 1_000);
    b.stop();
    await b.done;
  });
});
