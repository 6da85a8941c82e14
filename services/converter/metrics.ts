import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The series the operator's autoscaler reads from every converter pod (operator/autoscale/autoscaler.ts). */
export const CONVERTER_TASKS_IN_FLIGHT = 'enlarger_converter_tasks_in_flight';

/** The converter's metrics, registered on the process registry. */
export function converterMetrics(registry: Registry) {
  const metrics = {
    processed: new Counter({
      name: 'enlarger_converter_tasks_processed_total',
      help: 'Conversion tasks completed, including redeliveries found already done.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    failed: new Counter({
      name: 'enlarger_converter_tasks_failed_total',
      help: 'Conversion tasks that threw: unrecoverable (dead-lettered) or transient (retried).',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'enlarger_converter_task_duration_seconds',
      help: 'Time from task delivery to ack, including storage transfers.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: CONVERTER_TASKS_IN_FLIGHT,
      help: 'Tasks being converted right now.',
      registers: [registry],
    }),
  };
  // Both kinds from the start, at 0, so the failure panel and its rate have a series before the first failure.
  for (const kind of ['unrecoverable', 'transient']) metrics.failed.inc({ kind }, 0);
  return metrics;
}

export type ConverterMetrics = ReturnType<typeof converterMetrics>;
