import type { KubernetesObject } from '@kubernetes/client-node';
import type { ImagePlatform } from '../api/imageplatform.js';
import { childLabels, ownerReference, type Component } from '../api/names.js';
import { strategicMerge, type MergeKeys } from './strategic-merge.js';

/** A user's partial object: labels and annotations, and a spec kept as written. */
export interface PartialObject {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/**
 * `rendered` with the user's override merged over it (strategic merge, as
 * RabbitmqCluster's `spec.override`). What the operator needs to find and own
 * the object (name, namespace, its labels, the owner reference) is put back
 * after the merge: an override can add to the object, not take it away.
 */
export function withOverride<T extends KubernetesObject & { metadata: { name: string; namespace: string } }>(
  cr: ImagePlatform,
  component: Component,
  rendered: T,
  override: PartialObject | undefined,
  keys: MergeKeys,
): T {
  if (!override) return rendered;
  const merged = strategicMerge(rendered, override, keys);
  return {
    ...merged,
    metadata: {
      ...merged.metadata,
      name: rendered.metadata.name,
      namespace: rendered.metadata.namespace,
      labels: { ...merged.metadata.labels, ...childLabels(cr, component) },
      ownerReferences: [ownerReference(cr)],
    },
  };
}
