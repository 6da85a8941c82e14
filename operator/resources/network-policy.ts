import type { V1NetworkPolicy, V1NetworkPolicyIngressRule } from '@kubernetes/client-node';
import type { ComponentRow } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { childMeta, childName, selectorLabels } from '../api/names.js';

/** A NetworkPolicy whose metadata is always present, as the builders return it. */
export type DesiredNetworkPolicy = V1NetworkPolicy & { metadata: { name: string; namespace: string } };

/**
 * The NetworkPolicy of one component, when the platform turns them on: its
 * public port open to `apiFrom` only, its admin port (metrics) to the
 * operator and `metricsFrom` only, nothing else in. A rule is left out rather
 * than written with no peers, because a rule with no `from` admits everyone.
 * Egress is restricted only when the platform lists egress rules.
 */
export function buildNetworkPolicy(cr: ImagePlatform, row: ComponentRow): DesiredNetworkPolicy | undefined {
  const policy = cr.spec.networkPolicy;
  if (!policy.enabled) return undefined;
  // `_from`: client-node's name for `from` (a reserved word); its serializer writes `from` on the wire.
  const rule = (from: V1NetworkPolicyIngressRule['_from'], port: string): V1NetworkPolicyIngressRule[] =>
    from && from.length > 0 ? [{ _from: from, ports: [{ protocol: 'TCP', port }] }] : [];
  const ingress = [
    ...(row.ports.public === undefined ? [] : rule(policy.apiFrom, 'http')),
    ...rule([...policy.operatorFrom, ...(policy.metricsFrom ?? [])], 'admin'),
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: childMeta(cr, childName(cr, row.name), row.name),
    spec: {
      podSelector: { matchLabels: selectorLabels(cr, row.name) },
      policyTypes: policy.egress ? ['Ingress', 'Egress'] : ['Ingress'],
      ingress,
      ...(policy.egress ? { egress: policy.egress } : {}),
    },
  };
}
