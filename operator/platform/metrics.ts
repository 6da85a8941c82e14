import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { WorkResult } from '../toolkit/work-queue.js';

/** The operator's Prometheus metrics. */
export interface OperatorMetrics {
  reconciles: Counter<'result'>;
  reconcileSeconds: Histogram;
  queueDepth: Gauge;
  retries: Counter;
  leader: Gauge;
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
  };
  // Every result from the start, at 0: an alert on `rate(...{result="retry"})` then has a series to watch.
  for (const result of ['done', 'recheck', 'retry'] satisfies WorkResult['kind'][])
    metrics.reconciles.inc({ result }, 0);
  return metrics;
}
