import { V1MicroTime, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log/logger.js';
import { isConflict, isNotFound } from './api-errors.js';

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

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Leader election on a coordination.k8s.io Lease, as client-go does it.
 * Expiry is judged by the local clock from when this process last saw the
 * lease change, never by comparing clocks across machines.
 */
export class LeaderElector {
  private observed: { holder: string; renewTime: string; resourceVersion: string } | undefined;
  private observedAt = 0;
  private leading = false;

  constructor(
    private readonly api: CoordinationV1Api,
    private readonly options: LeaderElectionOptions,
    private readonly log: Logger,
  ) {}

  isLeader(): boolean {
    return this.leading;
  }

  /**
   * Waits until this process holds the lease, then keeps renewing it.
   * Resolves `'lost'` when renewal fails for longer than the renew deadline,
   * `'stopped'` when `signal` aborts (the lease is then released so a
   * successor need not wait for it to expire).
   */
  async run(signal: AbortSignal, onLeading: () => void): Promise<'lost' | 'stopped'> {
    const { retryPeriodMs, renewDeadlineMs, identity } = this.options;
    while (!signal.aborted && !(await this.tryAcquireOrRenew())) await sleep(retryPeriodMs, signal);
    if (signal.aborted) return 'stopped';
    this.leading = true;
    this.log.info({ identity, lease: this.options.name }, 'became leader');
    onLeading();
    let lastRenew = Date.now();
    while (!signal.aborted) {
      await sleep(retryPeriodMs, signal);
      if (signal.aborted) break;
      if (await this.tryAcquireOrRenew()) lastRenew = Date.now();
      else if (Date.now() - lastRenew > renewDeadlineMs) {
        this.leading = false;
        this.log.error({ identity }, 'lost leadership: could not renew the lease in time');
        return 'lost';
      }
    }
    await this.release();
    this.leading = false;
    return 'stopped';
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    const now = new V1MicroTime();
    const durationSeconds = Math.round(this.options.leaseDurationMs / 1000);
    try {
      let lease: V1Lease;
      try {
        lease = await this.api.readNamespacedLease({ name, namespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await this.api.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: durationSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
        });
        return true;
      }
      const spec = lease.spec ?? {};
      const holder = spec.holderIdentity ?? '';
      this.observe(holder, String(spec.renewTime ?? ''), lease.metadata?.resourceVersion ?? '');
      const heldByOther = holder !== '' && holder !== identity;
      const expiresAt = this.observedAt + (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
      if (heldByOther && Date.now() < expiresAt) return false;

      const takingOver = holder !== identity;
      await this.api.replaceNamespacedLease({
        name,
        namespace,
        body: {
          ...lease,
          spec: {
            ...spec,
            holderIdentity: identity,
            leaseDurationSeconds: durationSeconds,
            renewTime: now,
            ...(takingOver ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
          },
        },
      });
      return true;
    } catch (err) {
      // A conflict means another candidate wrote first: it wins this round.
      if (!isConflict(err)) this.log.warn({ error: messageOf(err) }, 'lease update failed');
      return false;
    }
  }

  private observe(holder: string, renewTime: string, resourceVersion: string): void {
    if (this.observed?.resourceVersion !== resourceVersion) {
      this.observed = { holder, renewTime, resourceVersion };
      this.observedAt = Date.now();
    }
  }

  private async release(): Promise<void> {
    const { namespace, name, identity } = this.options;
    try {
      const lease = await this.api.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== identity) return;
      // client-go's ReleaseOnCancel: an empty holder with a 1 s lease lets a successor in at once.
      await this.api.replaceNamespacedLease({
        name,
        namespace,
        body: {
          ...lease,
          spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: new V1MicroTime() },
        },
      });
      this.log.info({ identity }, 'released the lease');
    } catch (err) {
      this.log.warn({ error: messageOf(err) }, 'could not release the lease');
    }
  }
}
