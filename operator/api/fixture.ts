import { parseImagePlatform, type ImagePlatform } from './imageplatform.js';

/**
 * An ImagePlatform as the apiserver returns it, for unit tests: the given
 * spec with every default filled in.
 */
export function samplePlatform(spec: Record<string, unknown> = {}, generation = 1): ImagePlatform {
  return parseImagePlatform({
    metadata: { name: 'photos', namespace: 'media-team', uid: 'uid-1', generation },
    spec: { storage: { bucket: 'photos' }, queue: { urlSecretRef: { name: 'amqp' } }, ...spec },
  });
}

const b64 = (value: string) => Buffer.from(value).toString('base64');

/** Every Secret the unit-test platforms reference: uid and data, as the apiserver returns them (base64). */
export const sampleSecrets = {
  amqp: { uid: 'secret-uid-amqp', data: { url: b64('amqp://user:pass@rabbitmq:5672') } },
  s3: { uid: 'secret-uid-s3', data: { accessKeyId: b64('key'), secretAccessKey: b64('secret') } },
  signing: { uid: 'secret-uid-signing', data: { keys: b64('k1,k2') } },
  uploads: { uid: 'secret-uid-uploads', data: { keys: b64('upload-key-1,upload-key-2') } },
} as const;
