import type { LeaderElectionOptions } from '../toolkit/leader-election.js';
import type { PlatformInformers } from './platform-informers.js';

/**
 * How long the informers' lists and watches may fail before the operator
 * reports unready: one Lease duration. An apiserver restart is back within
 * it (issue 32 measured 8.3 s from kill to convergence), so a routine restart
 * does not flap readiness; an outage longer than that is one in which a
 * standby would already have taken over a leader that could not reach the
 * apiserver.
 */
export const WATCH_FAILURE_BOUND_MS = 15_000;

/** Throws, naming the resource, when the caches are not synced or a watch has failed for too long. */
export function informerHealth(
  informers: Pick<PlatformInformers, 'synced' | 'all'>,
  now: number,
  boundMs = WATCH_FAILURE_BOUND_MS,
): void {
  if (!informers.synced()) throw new Error('caches not synced');
  for (const informer of informers.all) {
    const since = informer.failingSince();
    if (since !== undefined && now - since > boundMs)
      throw new Error(`watch of ${informer.resource} failing for ${Math.round((now - since) / 1000)} s`);
  }
}

/**
 * Throws when no Lease request has been answered within the renew deadline:
 * the bound the leader itself uses to give up, so a replica that could not
 * lead right now says so, leader or standby.
 */
export function leaseHealth(
  lastContact: number,
  now: number,
  options: Pick<LeaderElectionOptions, 'renewDeadlineMs'>,
): void {
  if (now - lastContact > options.renewDeadlineMs)
    throw new Error(`no answer to a Lease request for ${Math.round((now - lastContact) / 1000)} s`);
}
