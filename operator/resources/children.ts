import type { KubernetesObject } from '@kubernetes/client-node';
import { components } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import type { ChildObject } from '../api/names.js';
import type { ReferencedSecrets } from './checksum.js';
import * as configMap from './configmap.js';
import { buildDeployment } from './deployment.js';
import { withDesiredHash } from './desired-hash.js';
import { buildNetworkPolicy } from './network-policy.js';
import { buildPodDisruptionBudget } from './pod-disruption-budget.js';
import { buildServiceAccount } from './service-account.js';
import { buildService } from './service.js';

/**
 * Kinds of child a platform may have or not have depending on its spec. The
 * reconciler deletes a live one of these kinds that the spec no longer asks
 * for (a budget when replicas drop to one, a policy turned off).
 */
export const OPTIONAL_KINDS = {
  ServiceAccount: 'v1',
  PodDisruptionBudget: 'policy/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
} as const;

/** Every child of an ImagePlatform, grouped by what they depend on when applied. */
export interface DesiredChildren {
  /** What pods need before they start: the config they load with `envFrom`, the ServiceAccount they run as. */
  podInputs: ChildObject[];
  /** One per component; their pods read the ConfigMap. */
  deployments: ChildObject[];
  /** Services, disruption budgets and network policies: they depend on nothing. */
  independent: ChildObject[];
}

const defined = <T>(items: Array<T | undefined>): T[] => items.filter((i): i is T => i !== undefined);

/** Builds every child from the component table, each stamped with its desired-hash annotation. */
export function desiredChildren(cr: ImagePlatform, secrets: ReferencedSecrets): DesiredChildren {
  const stamp = (child: KubernetesObject) => withDesiredHash(child) as ChildObject;
  const rows = components(cr);
  return {
    podInputs: defined([configMap.build(cr), buildServiceAccount(cr)]).map(stamp),
    deployments: rows.map((row) => stamp(buildDeployment(cr, row, secrets))),
    independent: [
      ...rows.filter((row) => row.service).map((row) => buildService(cr, row)),
      ...defined(rows.map((row) => buildPodDisruptionBudget(cr, row))),
      ...defined(rows.map((row) => buildNetworkPolicy(cr, row))),
    ].map(stamp),
  };
}
