import type { MediaEnv } from '../../../services/media/config.js';
import type { ImagePlatform } from '../imageplatform.js';
import { POD_PORTS, PROBES, type ComponentRow } from './row.js';
import { quantitiesAsStrings } from './resources.js';
import { queueEnv, queueSecrets, storageEnv, storageSecrets } from './shared-env.js';

/** The upload API: public behind a Service, fixed replicas. */
export function media(cr: ImagePlatform): ComponentRow {
  const { media } = cr.spec;
  const env = {
    ...storageEnv(cr),
    ...queueEnv(cr),
    MEDIA_PORT: String(POD_PORTS.public),
    MEDIA_ADMIN_PORT: String(POD_PORTS.admin),
    MEDIA_MAX_BYTES: String(media.maxUploadBytes),
    MEDIA_MAX_UPLOADS: String(media.maxConcurrentUploads),
  } satisfies MediaEnv;
  return {
    name: 'media',
    args: ['media'],
    ports: { public: POD_PORTS.public, admin: POD_PORTS.admin },
    service: true,
    probes: PROBES,
    env,
    secretEnv: [...storageSecrets(cr), ...queueSecrets(cr)],
    replicas: media.replicas,
    autoscaled: false,
    scaling: { signal: 'none' },
    resources: quantitiesAsStrings(media.resources),
    terminationGracePeriodSeconds: 30,
  };
}
