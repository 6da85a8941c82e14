import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { WorkResult } from '../toolkit/work-queue.js';
import type { ResilientInformer } from '../toolkit/informer.js';

/** The operator's Prometheus metrics. */
export interface OperatorMetrics {
  reconciles: Counter<'result'>;
  reconcileSeconds: Histogram;
  queueDepth: Gauge;
  retries: Counter;
  leader: Gauge;
  /** Send time of the last successful acquire or renewal of the Lease. */
  leaseRenewed: Gauge;
  watchRestarts: Counter<'resource' | 'reason'>;
}

export function operatorMetrics(registry: Registry): OperatorMetrics {
  const registers = [registry];
  const metrics = {
    reconciles: new Counter({
      name: 'enlarger_operator_reconcile_total',
      help: 'Reconciles by result: done, recheck (waiting on the user) or retry (failed).',
      labelNames: ['result'],
      registers,
    }),
    reconcileSeconds: new Histogram({
      name: 'enlarger_operator_reconcile_duration_seconds',
      help: 'Time to reconcile one ImagePlatform.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'enlarger_operator_workqueue_depth',
      help: 'ImagePlatforms waiting to be reconciled.',
      registers,
    }),
    retries: new Counter({
      name: 'enlarger_operator_workqueue_retries_total',
      help: 'Reconciles retried after a failure.',
      registers,
    }),
    leader: new Gauge({
      name: 'enlarger_operator_leader',
      help: '1 while this process holds the leader Lease.',
      registers,
    }),
    leaseRenewed: new Gauge({
      name: 'enlarger_operator_lease_last_renew_timestamp_seconds',
      help: 'When this process last acquired or renewed the leader Lease (Unix seconds); 0 if never.',
      registers,
    }),
    watchRestarts: new Counter({
      name: 'enlarger_operator_watch_restarts_total',
      help: 'Watches and lists restarted, by resource and reason (closed, expired, throttled, server_error, rejected, unreachable).',
      labelNames: ['resource', 'reason'],
      registers,
    }),
  };
  // Every result from the start, at 0: an alert on `rate(...{result="retry"})` then has a series to watch.
  for (const result of ['done', 'recheck', 'retry'] satisfies WorkResult['kind'][])
    metrics.reconciles.inc({ result }, 0);
  return metrics;
}

/**
 * Seconds since each informer's last list or watch event, read at scrape
 * time. A watch is quiet when nothing changes, so this alone is no alarm; it
 * tells how stale the cache may be when the restarts counter climbs.
 */
export function registerWatchAgeMetric(
  registry: Registry,
  informers: readonly Pick<ResilientInformer<never>, 'resource' | 'lastActivity'>[],
): void {
  new Gauge({
    name: 'enlarger_operator_watch_last_event_age_seconds',
    help: 'Seconds since the last list answer or watch event (bookmarks included), by resource.',
    labelNames: ['resource'],
    registers: [registry],
    collect() {
      const now = Date.now();
      for (const informer of informers) {
        const at = informer.lastActivity();
        if (at > 0) this.set({ resource: informer.resource }, (now - at) / 1000);
      }
    },
  });
}
