import type { KubernetesObject } from '@kubernetes/client-node';
import { components } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import type { ChildObject } from '../api/names.js';
import type { ReferencedSecrets } from './checksum.js';
import * as configMap from './configmap.js';
import { buildDeployment } from './deployment.js';
import { withDesiredHash } from './desired-hash.js';
import { buildService } from './service.js';

/** A child object as applied: kind and name always set. */
export type DesiredChild = ChildObject;

/** Every child of an ImagePlatform, grouped by what they depend on when applied. */
export interface DesiredChildren {
  /** The config every pod loads with `envFrom`. */
  configMap: DesiredChild;
  /** One per component; their pods read the ConfigMap. */
  deployments: DesiredChild[];
  /** One per component with a public port; they depend on nothing. */
  services: DesiredChild[];
}

/** Builds every child from the component table, each stamped with its desired-hash annotation. */
export function desiredChildren(cr: ImagePlatform, secrets: ReferencedSecrets): DesiredChildren {
  const stamp = (child: KubernetesObject) => withDesiredHash(child) as DesiredChild;
  const rows = components(cr);
  return {
    configMap: stamp(configMap.build(cr)),
    deployments: rows.map((row) => stamp(buildDeployment(cr, row, secrets))),
    services: rows.filter((row) => row.service).map((row) => stamp(buildService(cr, row))),
  };
}
