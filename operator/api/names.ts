import type { KubernetesObject, V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import type { Component } from './component-list.js';
import { API_VERSION, KIND, type ImagePlatform } from './imageplatform.js';

/**
 * Names and labels of an ImagePlatform's children. They live with the API
 * types because every layer above reads them and none may own them.
 */

export { ALL_COMPONENTS, COMPONENTS, type Component } from './component-list.js';

/** The field manager of every write the operator's reconciler makes. */
export const FIELD_MANAGER = 'enlarger-operator';

/** The field manager of the autoscaler's writes to a Deployment's `scale` subresource. */
export const AUTOSCALER_FIELD_MANAGER = 'enlarger-autoscaler';

export const childName = (cr: ImagePlatform, suffix: Component | 'config') => `${cr.metadata.name}-${suffix}`;

/**
 * The ServiceAccount the platform's pods run as: the one named, else the one
 * the operator creates, else none (the namespace's `default`).
 */
export function serviceAccountName(cr: ImagePlatform): string | undefined {
  const { name, create } = cr.spec.serviceAccount;
  return name ?? (create ? `${cr.metadata.name}-enlarger` : undefined);
}

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

/** A child object as the operator applies it: kind and name always set. */
export type ChildObject = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
};

/**
 * What the RabbitMQ cluster operator names after a RabbitmqCluster `name`: its
 * client Service and its default-user Secret (keys `username`, `password`).
 * Its status reports both; the reconciler checks they still match.
 */
export function rabbitmqClusterChildren(name: string) {
  return {
    service: name,
    secret: `${name}-default-user`,
    keys: { username: 'username', password: 'password' },
  };
}

/** The AMQP port of a RabbitmqCluster's Service, named `amqp` there. */
export const RABBITMQ_AMQP_PORT = 5672;
