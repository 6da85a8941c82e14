import { Gauge, type Registry } from 'prom-client';
import { components } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';

/** One series of the platform gauges: its labels and value. */
export interface PlatformSeries<L extends string> {
  labels: Record<L, string>;
  value: number;
}

/** What the platform gauges show of a set of platforms, as plain series (the pure half). */
export interface PlatformState {
  conditions: PlatformSeries<'namespace' | 'platform' | 'condition'>[];
  replicas: PlatformSeries<'namespace' | 'platform' | 'component' | 'state'>[];
  maxReplicas: PlatformSeries<'namespace' | 'platform' | 'component'>[];
}

/**
 * Each platform's status conditions (1 True, 0 False; Unknown left out) and
 * replicas, and each component's replica ceiling, read from the objects as
 * they are: the alerts on Degraded and on a converter backlog at its ceiling
 * need them, and nothing else exports them without kube-state-metrics'
 * custom-resource configuration.
 */
export function platformState(platforms: ImagePlatform[]): PlatformState {
  const state: PlatformState = { conditions: [], replicas: [], maxReplicas: [] };
  for (const cr of platforms) {
    const base = { namespace: cr.metadata.namespace, platform: cr.metadata.name };
    for (const c of cr.status?.conditions ?? []) {
      if (c.status === 'Unknown') continue;
      state.conditions.push({ labels: { ...base, condition: c.type }, value: c.status === 'True' ? 1 : 0 });
    }
    // The rows own each component's ceiling: the autoscaler's maximum, else the fixed count.
    for (const { name: component, maxReplicas } of components(cr)) {
      state.maxReplicas.push({ labels: { ...base, component }, value: maxReplicas });
      const replicas = cr.status?.components?.[component];
      if (!replicas) continue;
      for (const s of ['desired', 'ready', 'updated'] as const)
        state.replicas.push({ labels: { ...base, component, state: s }, value: replicas[s] });
    }
  }
  return state;
}

/**
 * Registers `enlarger_platform_condition`, `enlarger_platform_replicas` and
 * `enlarger_platform_max_replicas`, computed at scrape time from the
 * informer cache, so they are exact, cost nothing between scrapes and drop a
 * deleted platform by themselves. Standbys report them too (their caches are
 * warm): dashboards and alerts take the max across operator pods.
 */
export function registerPlatformMetrics(registry: Registry, platforms: () => ImagePlatform[]): void {
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    pick: (s: PlatformState) => PlatformSeries<L>[],
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of pick(platformState(platforms())))
          this.set(s.labels as Partial<Record<L, string>>, s.value);
      },
    });
  gauge(
    'enlarger_platform_condition',
    'Status conditions of each ImagePlatform: 1 True, 0 False.',
    ['namespace', 'platform', 'condition'],
    (s) => s.conditions,
  );
  gauge(
    'enlarger_platform_replicas',
    "Replicas of each platform's components: desired, ready and updated, from its status.",
    ['namespace', 'platform', 'component', 'state'],
    (s) => s.replicas,
  );
  gauge(
    'enlarger_platform_max_replicas',
    "The most replicas a component may run: the autoscaler's maxReplicas, else spec replicas.",
    ['namespace', 'platform', 'component'],
    (s) => s.maxReplicas,
  );
}
