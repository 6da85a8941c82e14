import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { ComponentRow } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { childMeta, childName, selectorLabels } from '../api/names.js';

/** A PodDisruptionBudget whose metadata is always present, as the builders return it. */
export type DesiredPodDisruptionBudget = V1PodDisruptionBudget & {
  metadata: { name: string; namespace: string };
};

/**
 * The PodDisruptionBudget of one component, or undefined when it can never
 * run two pods: a budget over one pod either blocks every drain or allows
 * anything. An autoscaled component gets one whenever its ceiling is above
 * one; `maxUnavailable` is relative, so the budget follows the replicas the
 * autoscaler sets without being rewritten.
 */
export function buildPodDisruptionBudget(
  cr: ImagePlatform,
  row: ComponentRow,
): DesiredPodDisruptionBudget | undefined {
  if (row.maxReplicas <= 1) return undefined;
  const { maxUnavailable, minAvailable } = row.podDisruptionBudget ?? {};
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: childMeta(cr, childName(cr, row.name), row.name),
    spec: {
      ...(minAvailable !== undefined ? { minAvailable } : { maxUnavailable: maxUnavailable ?? 1 }),
      selector: { matchLabels: selectorLabels(cr, row.name) },
      // A pod that is not ready serves nothing: evicting it must not wait for the budget,
      // or one crash-looping pod would hold every drain of its node forever.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
