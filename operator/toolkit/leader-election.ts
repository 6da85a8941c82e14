import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log/logger.js';
import { isConflict, isNotFound, statusOf } from './api-errors.js';
import type { LeaseClient } from './lease-client.js';
import { timeoutSignal } from './request-options.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  /** Unique per process: the pod name plus a random suffix. */
  identity: string;
  /** How long a lease is valid without renewal. */
  leaseDurationMs: number;
  /** The leader gives up if it cannot renew for this long; shorter than the lease. */
  renewDeadlineMs: number;
  /** Interval between attempts to acquire or renew. */
  retryPeriodMs: number;
}

/** client-go's defaults: 15 s lease, 10 s renew deadline, 2 s retry. */
export const DEFAULT_LEADER_ELECTION = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** What the elector calls as leadership starts, ends and is renewed. */
export interface LeaderCallbacks {
  onStartedLeading(): void;
  /**
   * Called synchronously the moment the renew deadline passes, before `run`
   * resolves: stop the workers here. Writes are already fenced by then.
   */
  onStoppedLeading(): void;
  /** A successful acquire or renewal; `at` is when its request was sent (ms since the epoch). */
  onRenewed?(at: number): void;
}

/** A write was attempted by a process that does not (or no longer) hold the Lease. */
export class LeadershipLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeadershipLostError';
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const wake = () => (clearTimeout(timer), signal.removeEventListener('abort', wake), resolve());
    const timer = setTimeout(wake, ms);
    signal.addEventListener('abort', wake, { once: true });
  });

/** `promise`, or a rejection as soon as `signal` aborts, even if the callee ignores the signal. */
function bounded<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Leader election on a coordination.k8s.io Lease, as client-go does it.
 * Expiry is judged by the local clock from when this process last saw the
 * lease change, never by comparing clocks across machines.
 *
 * The leader's own term ends at the renew deadline (the send time of the last
 * successful renewal plus `renewDeadlineMs`), on a timer of its own: every
 * Lease request is aborted by then, writes are fenced from then on, and the
 * workers are stopped. A standby cannot take the Lease before `leaseDurationMs`
 * after it saw the last renewal, which is later, so the terms never overlap.
 */
export class LeaderElector {
  private observed: { resourceVersion: string } | undefined;
  private observedAt = 0;
  private leading = false;
  private renewedAt = 0;
  private contactAt = 0;
  private term: AbortController | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly leases: LeaseClient,
    private readonly options: LeaderElectionOptions,
    private readonly log: Logger,
  ) {}

  /** True while this process holds the Lease and its renew deadline has not passed. */
  isLeader(): boolean {
    return this.leading && Date.now() < this.deadline();
  }

  /** When the last successful Lease request (as leader or candidate) was sent; 0 before any. */
  lastContact(): number {
    return this.contactAt;
  }

  /**
   * The fence for a write to the cluster: a signal that aborts when this term
   * ends. Throws {@link LeadershipLostError} when this process is not leading,
   * so no write starts after the renew deadline.
   */
  writeSignal(): AbortSignal {
    if (!this.term || !this.isLeader())
      throw new LeadershipLostError('not the leader: the Lease was not renewed within the renew deadline');
    return this.term.signal;
  }

  /**
   * Waits until this process holds the lease, then keeps renewing it.
   * Resolves `'lost'` when renewal fails for longer than the renew deadline,
   * `'stopped'` when `signal` aborts (the lease is then released so a
   * successor need not wait for it to expire).
   */
  async run(signal: AbortSignal, callbacks: LeaderCallbacks): Promise<'lost' | 'stopped'> {
    const { retryPeriodMs, renewDeadlineMs, identity } = this.options;
    for (;;) {
      if (signal.aborted) return 'stopped';
      const sentAt = Date.now();
      if (await this.tryAcquireOrRenew(renewDeadlineMs, signal)) {
        this.renewedAt = sentAt;
        break;
      }
      await sleep(retryPeriodMs, signal);
    }
    const term = new AbortController();
    this.term = term;
    this.leading = true;
    this.armDeadline(callbacks);
    this.log.info({ identity, lease: this.options.name }, 'became leader');
    callbacks.onRenewed?.(this.renewedAt);
    callbacks.onStartedLeading();

    const stopOrLose = AbortSignal.any([signal, term.signal]);
    while (this.leading && !signal.aborted) {
      await sleep(retryPeriodMs, stopOrLose);
      if (!this.leading || signal.aborted) break;
      const sentAt = Date.now();
      const renewed = await this.tryAcquireOrRenew(this.deadline() - sentAt, stopOrLose);
      // A renewal that answers after the deadline is too late: the term has ended.
      if (renewed && this.leading) {
        this.renewedAt = sentAt;
        this.armDeadline(callbacks);
        callbacks.onRenewed?.(sentAt);
      }
    }
    if (!this.leading) return 'lost';
    this.leading = false;
    clearTimeout(this.deadlineTimer);
    term.abort(new LeadershipLostError('stopping'));
    await this.release();
    return 'stopped';
  }

  private deadline(): number {
    return this.renewedAt + this.options.renewDeadlineMs;
  }

  private armDeadline(callbacks: LeaderCallbacks): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => this.lose(callbacks), Math.max(0, this.deadline() - Date.now()));
  }

  /** Ends the term: fence first, then abort what is in flight, then stop the workers. */
  private lose(callbacks: LeaderCallbacks): void {
    if (!this.leading) return;
    this.leading = false;
    clearTimeout(this.deadlineTimer);
    const { identity, renewDeadlineMs } = this.options;
    this.term?.abort(new LeadershipLostError(`the Lease was not renewed within ${renewDeadlineMs} ms`));
    this.log.error(
      { identity, lastRenewal: new Date(this.renewedAt).toISOString(), renewDeadlineMs },
      'lost leadership: could not renew the lease in time',
    );
    callbacks.onStoppedLeading();
  }

  private async tryAcquireOrRenew(timeoutMs: number, parent: AbortSignal): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    const signal = AbortSignal.any([
      parent,
      timeoutSignal(Math.max(1, timeoutMs), 'lease request timed out'),
    ]);
    const now = new V1MicroTime();
    const durationSeconds = Math.round(this.options.leaseDurationMs / 1000);
    try {
      let lease: V1Lease;
      try {
        lease = await bounded(this.leases.read(namespace, name, signal), signal);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await bounded(
          this.leases.create(
            {
              metadata: { name, namespace },
              spec: {
                holderIdentity: identity,
                leaseDurationSeconds: durationSeconds,
                acquireTime: now,
                renewTime: now,
                leaseTransitions: 0,
              },
            },
            signal,
          ),
          signal,
        );
        this.contactAt = Date.now();
        return true;
      }
      this.contactAt = Date.now();
      const spec = lease.spec ?? {};
      const holder = spec.holderIdentity ?? '';
      this.observe(lease.metadata?.resourceVersion ?? '');
      const heldByOther = holder !== '' && holder !== identity;
      const expiresAt = this.observedAt + (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
      if (heldByOther && Date.now() < expiresAt) return false;

      const takingOver = holder !== identity;
      const body: V1Lease = {
        ...lease,
        spec: {
          ...spec,
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          renewTime: now,
          ...(takingOver ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
        },
      };
      await bounded(this.leases.replace(body, signal), signal);
      this.contactAt = Date.now();
      return true;
    } catch (err) {
      // Any answer from the apiserver, even a refusal, shows it can be reached.
      if (statusOf(err) !== undefined) this.contactAt = Date.now();
      // A conflict means another candidate wrote first: it wins this round.
      if (!isConflict(err)) this.log.warn({ error: messageOf(err) }, 'lease update failed');
      return false;
    }
  }

  private observe(resourceVersion: string): void {
    if (this.observed?.resourceVersion !== resourceVersion) {
      this.observed = { resourceVersion };
      this.observedAt = Date.now();
    }
  }

  private async release(): Promise<void> {
    const { namespace, name, identity, renewDeadlineMs } = this.options;
    const signal = timeoutSignal(renewDeadlineMs, 'lease release timed out');
    try {
      const lease = await bounded(this.leases.read(namespace, name, signal), signal);
      if (lease.spec?.holderIdentity !== identity) return;
      // client-go's ReleaseOnCancel: an empty holder with a 1 s lease lets a successor in at once.
      await bounded(
        this.leases.replace(
          {
            ...lease,
            spec: {
              ...lease.spec,
              holderIdentity: '',
              leaseDurationSeconds: 1,
              renewTime: new V1MicroTime(),
            },
          },
          signal,
        ),
        signal,
      );
      this.log.info({ identity }, 'released the lease');
    } catch (err) {
      this.log.warn({ error: messageOf(err) }, 'could not release the lease');
    }
  }
}
