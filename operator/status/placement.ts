import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { ComponentRow } from '../api/components/index.js';
import type { Component } from '../api/names.js';

/** Short names of the well-known topology keys, for a column of `kubectl get`. */
const SHORT: Record<string, string> = {
  'topology.kubernetes.io/zone': 'zone',
  'kubernetes.io/hostname': 'node',
  'topology.kubernetes.io/region': 'region',
};

/**
 * The placement summary of `kubectl get imgp -o wide`: what each budget
 * allows right now (from the PodDisruptionBudget's own status, so 0 shows a
 * drain would wait), and the topologies each component spreads over.
 */
export function placementStatus(
  rows: readonly ComponentRow[],
  budgets: Partial<Record<Component, V1PodDisruptionBudget>>,
): { budgets: string; spread: string } {
  const budget = rows.flatMap((row) => {
    const pdb = budgets[row.name];
    if (!pdb) return [];
    return [`${row.name}=${pdb.status?.disruptionsAllowed ?? 0}/${pdb.status?.expectedPods ?? 0}`];
  });
  const spread = rows.map((row) => {
    const keys = (row.placement.topologySpreadConstraints ?? []).map(
      (c) => SHORT[c.topologyKey] ?? c.topologyKey,
    );
    return `${row.name}=${keys.length > 0 ? keys.join(',') : '-'}`;
  });
  return { budgets: budget.length > 0 ? budget.join(' ') : 'none', spread: spread.join(' ') };
}
