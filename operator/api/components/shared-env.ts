import type { z } from 'zod';
import { boolEnv } from '../../../lib/config/parse-env.js';
import type { eventsEnvSchema } from '../../../lib/events/config.js';
import type { queueEnvSchema } from '../../../lib/queue/config.js';
import type { storageEnvSchema } from '../../../lib/storage/config.js';
import type { ImagePlatform } from '../imageplatform.js';
import { RABBITMQ_AMQP_PORT, rabbitmqClusterChildren } from '../names.js';
import type { SecretEnv } from './row.js';

type StorageEnv = z.input<typeof storageEnvSchema>;
type QueueEnv = z.input<typeof queueEnvSchema>;
type EventsEnv = z.input<typeof eventsEnvSchema>;

/** Storage settings every component reads (lib/storage/config.ts owns the names). */
export function storageEnv({ spec: { storage } }: ImagePlatform) {
  return {
    STORAGE_KIND: 's3',
    S3_BUCKET: storage.bucket,
    S3_REGION: storage.region,
    S3_FORCE_PATH_STYLE: boolEnv(storage.forcePathStyle),
    // A conditional spread's names go unchecked by the outer `satisfies`, so this one is checked alone.
    ...(storage.endpoint ? ({ S3_ENDPOINT: storage.endpoint } satisfies Partial<StorageEnv>) : {}),
  } satisfies StorageEnv;
}

/** Queue settings of media and converter (lib/queue/config.ts owns the names). */
export function queueEnv({ metadata, spec: { queue } }: ImagePlatform) {
  const env = { QUEUE_KIND: 'amqp', QUEUE_NAME: queue.name, QUEUE_TYPE: queue.type } satisfies QueueEnv;
  const cluster = queue.rabbitmqClusterRef;
  if (!cluster) return env;
  // Credentials come from the default-user Secret (queueSecrets); the URL names only the Service.
  return { ...env, AMQP_URL: rabbitmqClusterUrl(metadata.namespace, cluster.name) } satisfies QueueEnv;
}

/** Where media and converter publish photo events (lib/events/config.ts owns the name). */
export function eventsEnv({ spec: { events } }: ImagePlatform) {
  return { EVENTS_EXCHANGE: events.exchange } satisfies EventsEnv;
}

/** The in-cluster AMQP URL, without credentials, of RabbitmqCluster `name`'s Service. */
export function rabbitmqClusterUrl(namespace: string, name: string): string {
  return `amqp://${rabbitmqClusterChildren(name).service}.${namespace}.svc:${RABBITMQ_AMQP_PORT}`;
}

export function storageSecrets({ spec: { storage } }: ImagePlatform): SecretEnv[] {
  const ref = storage.credentialsSecretRef;
  if (!ref) return [];
  const field = 'spec.storage.credentialsSecretRef';
  return [
    { name: 'S3_ACCESS_KEY_ID' satisfies keyof StorageEnv, secret: ref.name, key: 'accessKeyId', field },
    {
      name: 'S3_SECRET_ACCESS_KEY' satisfies keyof StorageEnv,
      secret: ref.name,
      key: 'secretAccessKey',
      field,
    },
  ];
}

export function queueSecrets({ spec: { queue } }: ImagePlatform): SecretEnv[] {
  const env: SecretEnv[] = [];
  const add = (name: keyof QueueEnv, secret: string, key: string, field: string) =>
    env.push({ name, secret, key, field: `spec.queue.${field}` });
  const url = queue.urlSecretRef;
  if (url) add('AMQP_URL', url.name, url.key, 'urlSecretRef');
  if (queue.rabbitmqClusterRef) {
    const { secret, keys } = rabbitmqClusterChildren(queue.rabbitmqClusterRef.name);
    add('AMQP_USERNAME', secret, keys.username, 'rabbitmqClusterRef');
    add('AMQP_PASSWORD', secret, keys.password, 'rabbitmqClusterRef');
  }
  const ca = queue.caSecretRef;
  if (ca) add('AMQP_TLS_CA', ca.name, ca.key, 'caSecretRef');
  const client = queue.clientCertSecretRef;
  if (client) {
    add('AMQP_TLS_CERT', client.name, CLIENT_CERT_KEYS.cert, 'clientCertSecretRef');
    add('AMQP_TLS_KEY', client.name, CLIENT_CERT_KEYS.key, 'clientCertSecretRef');
  }
  return env;
}

/** The keys of a kubernetes.io/tls Secret, as cert-manager writes them. */
export const CLIENT_CERT_KEYS = { cert: 'tls.crt', key: 'tls.key' } as const;
