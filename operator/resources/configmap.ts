import type { V1ConfigMap } from '@kubernetes/client-node';
import { components } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { childMeta, childName } from '../api/names.js';

/**
 * The ConfigMap every component loads with `envFrom`: the plain settings of
 * every component. Names never clash (each service prefixes its own, and the
 * shared storage and queue settings are equal for all), and each pod's
 * checksum covers only what its component reads.
 */
export function build(cr: ImagePlatform): V1ConfigMap & { metadata: { name: string } } {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMeta(cr, childName(cr, 'config')),
    data: Object.assign({}, ...components(cr).map((row) => row.env)) as Record<string, string>,
  };
}
