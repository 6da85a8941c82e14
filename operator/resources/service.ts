import type { V1Service } from '@kubernetes/client-node';
import type { ImagePlatform } from '../api/imageplatform.js';
import { childMeta, childName, selectorLabels, type Component } from './meta.js';

/** A Service whose metadata is always present, as the builders return it. */
export type DesiredService = V1Service & { metadata: { name: string; namespace: string } };

/** A ClusterIP Service on port 80 in front of one component's pods. */
export function buildService(cr: ImagePlatform, component: Component): DesiredService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMeta(cr, childName(cr, component), component),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(cr, component),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
