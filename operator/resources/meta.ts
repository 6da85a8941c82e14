import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, KIND, type ImagePlatform } from '../api/imageplatform.js';

/** The three workloads an ImagePlatform runs. */
export type Component = 'media' | 'converter' | 'resizer';
export const COMPONENTS: readonly Component[] = ['media', 'converter', 'resizer'];

/** The field manager of every write the operator makes. */
export const FIELD_MANAGER = 'enlarger-operator';

/** Port every service listens on, for its API (media, resizer) and for probes and metrics. */
export const HTTP_PORT = 8080;

export const childName = (cr: ImagePlatform, suffix: Component | 'config') => `${cr.metadata.name}-${suffix}`;

/** Labels that select a component's pods. Never change them: Deployment selectors are immutable. */
export function selectorLabels(cr: ImagePlatform, component: Component): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'enlarger',
    'app.kubernetes.io/instance': cr.metadata.name,
    'app.kubernetes.io/component': component,
  };
}

/** Labels on every child; the operator's informers watch children by `managed-by`. */
export function childLabels(cr: ImagePlatform, component?: Component): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'enlarger',
    'app.kubernetes.io/instance': cr.metadata.name,
    ...(component ? { 'app.kubernetes.io/component': component } : {}),
    'app.kubernetes.io/managed-by': FIELD_MANAGER,
  };
}

/** Controller reference: children are garbage-collected with the ImagePlatform and map back to it. */
export function ownerReference(cr: ImagePlatform): V1OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: cr.metadata.name,
    uid: cr.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Metadata of a child object. */
export function childMeta(
  cr: ImagePlatform,
  name: string,
  component?: Component,
): V1ObjectMeta & { name: string; namespace: string } {
  return {
    name,
    namespace: cr.metadata.namespace,
    labels: childLabels(cr, component),
    ownerReferences: [ownerReference(cr)],
  };
}
