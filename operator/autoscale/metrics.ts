import { Counter, Gauge, type Registry } from 'prom-client';

/** The autoscaler's own metrics on the operator's /metrics. */
export interface AutoscalerMetrics {
  desired: Gauge<'platform' | 'namespace' | 'component'>;
  value: Gauge<'platform' | 'namespace' | 'component' | 'metric'>;
  target: Gauge<'platform' | 'namespace' | 'component' | 'metric'>;
  scrapeFailures: Counter<'platform' | 'namespace' | 'component'>;
}

export function autoscalerMetrics(registry: Registry): AutoscalerMetrics {
  const registers = [registry];
  const labelNames = ['platform', 'namespace', 'component'] as const;
  return {
    desired: new Gauge({
      name: 'enlarger_autoscaler_desired_replicas',
      help: 'Replicas the autoscaler last decided on.',
      labelNames,
      registers,
    }),
    value: new Gauge({
      name: 'enlarger_autoscaler_metric_value',
      help: 'Each signal the autoscaler last read: p95Milliseconds, queuePerPod, shed, rendersPerPod (shown, not decided on), backlogPerReplica.',
      labelNames: [...labelNames, 'metric'],
      registers,
    }),
    target: new Gauge({
      name: 'enlarger_autoscaler_metric_target',
      help: "Each signal's target from the spec, as the autoscaler last compared it (0 for shed, the pods' slots for rendersPerPod).",
      labelNames: [...labelNames, 'metric'],
      registers,
    }),
    scrapeFailures: new Counter({
      name: 'enlarger_autoscaler_scrape_failures_total',
      help: 'Pods whose /metrics could not be read, and failed queue backlog reads.',
      labelNames,
      registers,
    }),
  };
}
