import type { ImagePlatform } from '../api/imageplatform.js';
import type { ReferencedSecrets } from './checksum.js';
import { buildDeployment, type DesiredDeployment } from './deployment.js';

/** The converter (queue worker) Deployment. */
export function build(cr: ImagePlatform, secrets: ReferencedSecrets): DesiredDeployment {
  const { converter } = cr.spec;
  return buildDeployment(cr, 'converter', secrets, {
    replicas: converter.replicas,
    resources: converter.resources,
    // A conversion of a large original takes tens of seconds; let it finish rather than redeliver it.
    terminationGracePeriodSeconds: 120,
  });
}
