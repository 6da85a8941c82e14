import type { ImagePlatform } from '../api/imageplatform.js';
import type { ReferencedSecrets } from './checksum.js';
import { buildDeployment, type DesiredDeployment } from './deployment.js';

/** The media (upload API) Deployment. */
export function build(cr: ImagePlatform, secrets: ReferencedSecrets): DesiredDeployment {
  const { media } = cr.spec;
  return buildDeployment(cr, 'media', secrets, {
    replicas: media.replicas,
    resources: media.resources,
    terminationGracePeriodSeconds: 30,
  });
}
