import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A prom-client registry per process (not the global one), with Node's default
 * process metrics under the `enlarger_` prefix. Services register their own
 * counters on it; `/metrics` serves it.
 */
export function createMetricsRegistry(labels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry, prefix: 'enlarger_' });
  return registry;
}

export type { Registry };
