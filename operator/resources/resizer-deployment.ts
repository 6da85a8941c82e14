import type { ImagePlatform } from '../api/imageplatform.js';
import type { ReferencedSecrets } from './checksum.js';
import { buildDeployment, type DesiredDeployment } from './deployment.js';

/** The resizer (on-demand HTTP) Deployment. */
export function build(cr: ImagePlatform, secrets: ReferencedSecrets): DesiredDeployment {
  const { resizer } = cr.spec;
  return buildDeployment(cr, 'resizer', secrets, {
    // With autoscaling on, the autoscaler owns spec.replicas: leaving the field out
    // of our apply releases our ownership instead of fighting over it.
    replicas: resizer.autoscaling.enabled ? undefined : resizer.replicas,
    resources: resizer.resources,
    terminationGracePeriodSeconds: 30,
  });
}
