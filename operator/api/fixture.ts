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

/** The data of every Secret the unit-test platforms reference, as the apiserver returns it (base64). */
export const sampleSecrets = {
  amqp: { url: Buffer.from('amqp://user:pass@rabbitmq:5672').toString('base64') },
  s3: {
    accessKeyId: Buffer.from('key').toString('base64'),
    secretAccessKey: Buffer.from('secret').toString('base64'),
  },
  signing: { keys: Buffer.from('k1,k2').toString('base64') },
} as const;
