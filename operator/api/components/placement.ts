import type { ImagePlatform } from '../imageplatform.js';
import { selectorLabels, type Component } from '../names.js';
import type { Placement } from '../placement-spec.js';

/** Fields merged key by key between `spec.pod` and a component; the rest are replaced whole. */
const MAPS = ['nodeSelector', 'podLabels', 'podAnnotations'] as const;

/**
 * The spread a serving component gets when nobody set one: one pod per zone,
 * then per node, as far as the cluster allows. ScheduleAnyway, so a cluster
 * with one zone or too few nodes still runs every pod. `pod-template-hash`
 * counts a rollout's new pods on their own, or the old ReplicaSet's pods would
 * skew where the new ones go.
 */
export function defaultSpread(
  cr: ImagePlatform,
  component: Component,
): NonNullable<Placement['topologySpreadConstraints']> {
  return ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway' as const,
    labelSelector: { matchLabels: selectorLabels(cr, component) },
    matchLabelKeys: ['pod-template-hash'],
  }));
}

/**
 * A component's placement: its own fields over the platform's `spec.pod`.
 * Lists and affinity set on the component replace the platform's (an empty
 * list included, which is how the default spread is turned off); label and
 * annotation maps and nodeSelector merge, the component's keys winning.
 */
export function resolvePlacement(
  cr: ImagePlatform,
  component: Component,
  own: Placement,
  spreadByDefault: boolean,
): Placement {
  const pod = cr.spec.pod ?? {};
  const pick = <K extends keyof Placement>(key: K): Placement[K] => own[key] ?? pod[key];
  const merged: Placement = {
    tolerations: pick('tolerations'),
    affinity: pick('affinity'),
    topologySpreadConstraints:
      pick('topologySpreadConstraints') ?? (spreadByDefault ? defaultSpread(cr, component) : undefined),
    priorityClassName: pick('priorityClassName'),
  };
  for (const key of MAPS) {
    if (pod[key] || own[key]) merged[key] = { ...pod[key], ...own[key] };
  }
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined));
}
