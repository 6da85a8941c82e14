import { MALLOC_ENV } from '../../../lib/process/malloc.js';
import { HTTP_DRAIN_TIMEOUT_MS } from '../../../lib/lifecycle/drain.js';
import type { MediaEnv } from '../../../services/media/config.js';
import type { ImagePlatform } from '../imageplatform.js';
import { resolvePlacement } from './placement.js';
import { POD_PORTS, PROBES, httpDrain, type ComponentRow, secretKeyEnv, type SecretEnv } from './row.js';
import { quantitiesAsStrings } from './resources.js';
import {
  eventsEnv,
  queueEnv,
  queueSecrets,
  storageEnv,
  storageSecrets,
  tracingEnv,
  tracingSecrets,
} from './shared-env.js';

/** The upload API: public behind a Service, fixed replicas. */
export function media(cr: ImagePlatform): ComponentRow {
  const { media, limits } = cr.spec;
  const env = {
    ...storageEnv(cr),
    ...tracingEnv(cr),
    ...queueEnv(cr),
    ...eventsEnv(cr),
    // The relay's URL alone; its key comes from the Secret (webhookSecrets).
    ...(cr.spec.events.webhook
      ? ({ EVENTS_WEBHOOK_URL: cr.spec.events.webhook.url } satisfies Partial<MediaEnv>)
      : {}),
    MEDIA_PORT: String(POD_PORTS.public),
    MEDIA_ADMIN_PORT: String(POD_PORTS.admin),
    MEDIA_MAX_BYTES: String(media.maxUploadBytes),
    MEDIA_MAX_UPLOADS: String(media.maxConcurrentUploads),
    // The platform's one size policy, which the converter and resizer are given too.
    MEDIA_MAX_PIXELS: String(limits.maxPixels),
    MEDIA_MAX_WIDTH: String(limits.maxDimension),
    MEDIA_MAX_HEIGHT: String(limits.maxDimension),
  } satisfies MediaEnv;
  const uploadKeys = secretKeyEnv(
    'MEDIA_UPLOAD_KEYS' satisfies keyof MediaEnv,
    media.uploadKeysSecretRef,
    'spec.media.uploadKeysSecretRef',
  );
  const adminKeys = secretKeyEnv(
    'MEDIA_ADMIN_KEYS' satisfies keyof MediaEnv,
    media.adminKeysSecretRef,
    'spec.media.adminKeysSecretRef',
  );
  return {
    name: 'media',
    args: ['media'],
    ports: { public: POD_PORTS.public, admin: POD_PORTS.admin },
    service: media.service,
    probes: PROBES,
    env,
    secretEnv: [
      ...storageSecrets(cr),
      ...tracingSecrets(cr),
      ...queueSecrets(cr),
      ...uploadKeys,
      ...adminKeys,
      ...webhookSecrets(cr),
    ],
    processEnv: MALLOC_ENV,
    replicas: media.replicas,
    maxReplicas: media.replicas,
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

/** The webhook's signing key, read by media from the user's Secret (lib/events/config.ts owns the name). */
function webhookSecrets({ spec: { events } }: ImagePlatform): SecretEnv[] {
  const ref = events.webhook?.secretRef;
  if (!ref) return [];
  const name = 'EVENTS_WEBHOOK_SECRET' satisfies keyof MediaEnv;
  return [{ name, secret: ref.name, key: ref.key, field: 'spec.events.webhook.secretRef' }];
}
