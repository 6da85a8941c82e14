import type { KubernetesObject } from '@kubernetes/client-node';
import { FIELD_MANAGER } from '../api/names.js';

interface WithReplicas {
  spec?: { replicas?: number };
}

/**
 * The replica count to hand to the autoscaler before applying `desired`, or
 * undefined when there is nothing to hand over. When autoscaling is turned on
 * the operator's apply stops setting `spec.replicas`; if the operator was its
 * only owner, the apiserver would drop the field and reset a running count to
 * 1 before the autoscaler's first decision. So while the live object's replicas
 * still belong to the operator's apply and `desired` leaves them out, the live
 * count must first be claimed by the autoscaler.
 */
export function replicasToHandOver(desired: KubernetesObject, live: KubernetesObject | undefined) {
  if (desired.kind !== 'Deployment' || live === undefined) return undefined;
  if ((desired as WithReplicas).spec?.replicas !== undefined) return undefined;
  const replicas = (live as WithReplicas).spec?.replicas;
  const ownedByOperator = (live.metadata?.managedFields ?? []).some(
    (m) =>
      m.manager === FIELD_MANAGER &&
      m.operation === 'Apply' &&
      'f:replicas' in ((m.fieldsV1 as { 'f:spec'?: object } | undefined)?.['f:spec'] ?? {}),
  );
  return ownedByOperator ? replicas : undefined;
}
