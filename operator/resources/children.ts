import type { KubernetesObject } from '@kubernetes/client-node';
import type { ImagePlatform } from '../api/imageplatform.js';
import type { ReferencedSecrets } from './checksum.js';
import * as configMap from './configmap.js';
import * as converterDeployment from './converter-deployment.js';
import { withDesiredHash } from './desired-hash.js';
import * as mediaDeployment from './media-deployment.js';
import * as mediaService from './media-service.js';
import * as resizerDeployment from './resizer-deployment.js';
import * as resizerService from './resizer-service.js';

/** A child object as applied: kind and name always set. */
export type DesiredChild = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
};

/** Every child of an ImagePlatform, grouped by what they depend on when applied. */
export interface DesiredChildren {
  /** The config every pod loads with `envFrom`. */
  configMap: DesiredChild;
  /** Media, converter, resizer; their pods read the ConfigMap. */
  deployments: DesiredChild[];
  /** Media and resizer; they depend on nothing. */
  services: DesiredChild[];
}

/** Builds every child, each stamped with its desired-hash annotation. */
export function desiredChildren(cr: ImagePlatform, secrets: ReferencedSecrets): DesiredChildren {
  const stamp = (child: KubernetesObject) => withDesiredHash(child) as DesiredChild;
  return {
    configMap: stamp(configMap.build(cr)),
    deployments: [
      mediaDeployment.build(cr, secrets),
      converterDeployment.build(cr, secrets),
      resizerDeployment.build(cr, secrets),
    ].map(stamp),
    services: [mediaService.build(cr), resizerService.build(cr)].map(stamp),
  };
}
