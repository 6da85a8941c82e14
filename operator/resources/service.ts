import type { V1Service } from '@kubernetes/client-node';
import type { ComponentRow } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { childMeta, childName, selectorLabels } from '../api/names.js';

/** A Service whose metadata is always present, as the builders return it. */
export type DesiredService = V1Service & { metadata: { name: string; namespace: string } };

/** A ClusterIP Service on port 80 in front of one component's public port; never its admin port. */
export function buildService(cr: ImagePlatform, row: ComponentRow): DesiredService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMeta(cr, childName(cr, row.name), row.name),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(cr, row.name),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
