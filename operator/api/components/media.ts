import { MALLOC_ENV } from '../../../lib/process/malloc.js';
import { HTTP_DRAIN_TIMEOUT_MS } from '../../../lib/lifecycle/drain.js';
import type { MediaEnv } from '../../../services/media/config.js';
import type { ImagePlatform } from '../imageplatform.js';
import { resolvePlacement } from './placement.js';
import { POD_PORTS, PROBES, httpDrain, type ComponentRow } from './row.js';
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
    service: media.service,
    probes: PROBES,
    env,
    secretEnv: [...storageSecrets(cr), ...queueSecrets(cr)],
    processEnv: MALLOC_ENV,
    replicas: media.replicas,
    maxReplicas: media.replicas,
    autoscaled: false,
    scaling: { signal: 'none' },
    resources: quantitiesAsStrings(media.resources),
    // An upload in flight gets what the HTTP bootstrap lets any request finish in; a longer one is cut, and retried by the client.
    drain: httpDrain(HTTP_DRAIN_TIMEOUT_MS),
    // Uploads are the only way in: one node or zone going down must leave a media pod.
    placement: resolvePlacement(cr, 'media', media, true),
    podDisruptionBudget: media.podDisruptionBudget,
    override: media.override,
  };
}
