import type { V1ConfigMap } from '@kubernetes/client-node';
import type { ImagePlatform } from '../api/imageplatform.js';
import { childMeta, childName } from './meta.js';
import { platformConfig } from './service-env.js';

/** The ConfigMap every component loads with `envFrom`. */
export function build(cr: ImagePlatform): V1ConfigMap & { metadata: { name: string } } {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: childMeta(cr, childName(cr, 'config')),
    data: platformConfig(cr),
  };
}
