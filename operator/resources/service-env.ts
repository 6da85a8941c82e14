import type { V1EnvVar } from '@kubernetes/client-node';
import type { ImagePlatform } from '../api/imageplatform.js';
import { HTTP_PORT, type Component } from './meta.js';

const PORT_VARIABLE: Record<Component, string> = {
  media: 'MEDIA_PORT',
  converter: 'CONVERTER_PORT',
  resizer: 'RESIZER_PORT',
};

/**
 * The environment the services read (see `services/<name>/config.ts`),
 * rendered from the spec. Plain settings go into the ConfigMap; secrets are
 * referenced from the user's Secrets and never copied.
 */

type Env = Record<string, string>;

function storageEnv({ spec: { storage } }: ImagePlatform): Env {
  return {
    STORAGE_KIND: 's3',
    S3_BUCKET: storage.bucket,
    S3_REGION: storage.region,
    S3_FORCE_PATH_STYLE: String(storage.forcePathStyle),
    ...(storage.endpoint ? { S3_ENDPOINT: storage.endpoint } : {}),
  };
}

function queueEnv({ spec: { queue } }: ImagePlatform): Env {
  return { QUEUE_KIND: 'amqp', QUEUE_NAME: queue.name };
}

function mediaEnv({ spec: { media } }: ImagePlatform): Env {
  return { MEDIA_MAX_BYTES: String(media.maxUploadBytes) };
}

// Prefetch only matters to the consumer, so media does not restart when it changes.
function converterEnv({ spec: { converter, queue } }: ImagePlatform): Env {
  return {
    QUEUE_PREFETCH: String(queue.prefetch),
    CONVERTER_MASTER_MAX_EDGE: String(converter.master.maxEdge),
    CONVERTER_MASTER_FORMAT: converter.master.format,
    CONVERTER_MASTER_QUALITY: String(converter.master.quality),
    CONVERTER_SIZES: JSON.stringify(converter.sizes),
  };
}

function resizerEnv({ spec: { resizer } }: ImagePlatform): Env {
  const { watermark } = resizer;
  return {
    RESIZER_OUTPUT_CACHE_BYTES: `${resizer.cacheMegabytes}MiB`,
    ...(watermark
      ? {
          RESIZER_WATERMARK_POSITION: watermark.position,
          RESIZER_WATERMARK_OPACITY: String(watermark.opacity),
          RESIZER_WATERMARK_SCALE: String(watermark.scale),
          RESIZER_WATERMARK_MIN_WIDTH: String(watermark.minWidth),
          ...(watermark.logoKey ? { RESIZER_WATERMARK_LOGO_KEY: watermark.logoKey } : {}),
          ...(watermark.attribution ? { RESIZER_WATERMARK_ATTRIBUTION: watermark.attribution } : {}),
        }
      : {}),
  };
}

/** The plain settings one component reads. The resizer serves from storage and never touches the queue. */
export function componentConfig(cr: ImagePlatform, component: Component): Env {
  switch (component) {
    case 'media':
      return { ...storageEnv(cr), ...queueEnv(cr), ...mediaEnv(cr) };
    case 'converter':
      return { ...storageEnv(cr), ...queueEnv(cr), ...converterEnv(cr) };
    case 'resizer':
      return { ...storageEnv(cr), ...resizerEnv(cr) };
  }
}

/** Every plain setting, as stored in the shared ConfigMap. */
export function platformConfig(cr: ImagePlatform): Env {
  return { ...storageEnv(cr), ...queueEnv(cr), ...mediaEnv(cr), ...converterEnv(cr), ...resizerEnv(cr) };
}

const fromSecret = (name: string, secret: string, key: string): V1EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

/** The container env of one component: its port and its secrets, by reference. */
export function componentEnv(cr: ImagePlatform, component: Component): V1EnvVar[] {
  const { storage, queue, resizer } = cr.spec;
  const env: V1EnvVar[] = [{ name: PORT_VARIABLE[component], value: String(HTTP_PORT) }];
  if (storage.credentialsSecretRef) {
    env.push(
      fromSecret('S3_ACCESS_KEY_ID', storage.credentialsSecretRef.name, 'accessKeyId'),
      fromSecret('S3_SECRET_ACCESS_KEY', storage.credentialsSecretRef.name, 'secretAccessKey'),
    );
  }
  if (component !== 'resizer')
    env.push(fromSecret('AMQP_URL', queue.urlSecretRef.name, queue.urlSecretRef.key));
  if (component === 'resizer' && resizer.signingSecretRef) {
    env.push(fromSecret('SIGNING_KEYS', resizer.signingSecretRef.name, resizer.signingSecretRef.key));
  }
  return env;
}
