import type { V1Service } from '@kubernetes/client-node';
import type { ComponentRow } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { childMeta, childName, selectorLabels } from '../api/names.js';
import { withOverride } from './override.js';
import { SERVICE_MERGE_KEYS } from './strategic-merge.js';

/** A Service whose metadata is always present, as the builders return it. */
export type DesiredService = V1Service & { metadata: { name: string; namespace: string } };

/**
 * The Service on port 80 in front of one component's public port, never its
 * admin port: ClusterIP unless the platform asks for a NodePort or a cloud
 * load balancer. The user's override is merged over it last.
 */
export function buildService(cr: ImagePlatform, row: ComponentRow): DesiredService {
  const settings = row.service ?? { type: 'ClusterIP' };
  const meta = childMeta(cr, childName(cr, row.name), row.name);
  const service: DesiredService = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: settings.annotations ? { ...meta, annotations: settings.annotations } : meta,
    spec: {
      type: settings.type,
      selector: selectorLabels(cr, row.name),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      ...(settings.loadBalancerSourceRanges
        ? { loadBalancerSourceRanges: settings.loadBalancerSourceRanges }
        : {}),
    },
  };
  return withOverride(cr, row.name, service, row.override?.service, SERVICE_MERGE_KEYS);
}
