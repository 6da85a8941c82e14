import { readFileSync } from 'node:fs';
import type { CoreV1Api, CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { testEnv } from './env.js';
import { eventually } from './wait.js';

export const group = 'enlarger.dev';
export const version = 'v1alpha1';
export const plural = 'imageplatforms';

/** An ImagePlatform as the tests write and read it. */
export type Platform = KubernetesObject & {
  spec: Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    conditions?: Array<{ type: string; status: string; reason: string }>;
  };
};

/** `examples/imageplatform.yaml`, the documented sample. */
export const sample = parse(
  readFileSync(new URL('../../examples/imageplatform.yaml', import.meta.url), 'utf8'),
) as Platform;

/** The smallest valid ImagePlatform, referencing the Secrets {@link createSecrets} makes. */
export const minimal = (name: string, spec: Record<string, unknown> = {}): Platform => ({
  apiVersion: `${group}/${version}`,
  kind: 'ImagePlatform',
  metadata: { name },
  spec: { storage: { bucket: 'photos' }, queue: { urlSecretRef: { name: 'photos-amqp' } }, ...spec },
});

export const condition = (p: Platform, type: string) => p.status?.conditions?.find((c) => c.type === type);

/** ImagePlatform calls on one namespace. */
export function platformsIn(custom: CustomObjectsApi, namespace: string) {
  const get = async (name: string) =>
    (await custom.getNamespacedCustomObject({ group, version, plural, namespace, name })) as Platform;
  return {
    // Strict, as kubectl does by default: unknown fields are refused rather than dropped.
    create: (body: Platform) =>
      custom.createNamespacedCustomObject({
        group,
        version,
        plural,
        namespace,
        body,
        fieldValidation: 'Strict',
      }),
    get,
    /** JSON-patches the spec, e.g. `[{ op: 'replace', path: '/spec/paused', value: true }]`. */
    patch: (name: string, body: object[]) =>
      custom.patchNamespacedCustomObject({ group, version, plural, namespace, name, body }),
    delete: (name: string) =>
      custom.deleteNamespacedCustomObject({ group, version, plural, namespace, name }),
    /** Waits until the operator has seen `generation` and reports `Ready=True`. */
    waitReady: (name: string, generation: number, timeoutMs = 60_000) =>
      eventually(
        async () => {
          const p = await get(name);
          return p.status?.observedGeneration === generation && condition(p, 'Ready')?.status === 'True' && p;
        },
        { what: `${name} Ready at generation ${generation}`, timeoutMs },
      ),
  };
}

/** The three Secrets the sample references. */
export async function createSecrets(core: CoreV1Api, namespace: string): Promise<void> {
  const secret = (name: string, stringData: Record<string, string>) =>
    core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData } });
  await secret('photos-s3', { accessKeyId: 'a', secretAccessKey: 'b' });
  await secret('photos-amqp', { url: 'amqp://guest:guest@rabbitmq:5672' });
  await secret('photos-signing', { keys: 'k1' });
}

/**
 * Secrets `s3` and `amqp` (and `signing`, given a key) pointing at the
 * suite's real MinIO and RabbitMQ, for platforms whose pods run for real.
 */
export async function createLiveSecrets(
  core: CoreV1Api,
  namespace: string,
  signingKey?: string,
): Promise<void> {
  const t = testEnv();
  const secret = (name: string, stringData: Record<string, string>) =>
    core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData } });
  await secret('s3', { accessKeyId: t.S3_ACCESS_KEY_ID, secretAccessKey: t.S3_SECRET_ACCESS_KEY });
  await secret('amqp', { url: t.AMQP_URL });
  if (signingKey !== undefined) await secret('signing', { keys: signingKey });
}

/** `spec.storage` for `bucket` on the suite's MinIO, with the `s3` Secret of {@link createLiveSecrets}. */
export function liveStorage(bucket: string) {
  const t = testEnv();
  return {
    bucket,
    endpoint: t.S3_ENDPOINT,
    region: t.S3_REGION,
    forcePathStyle: true,
    credentialsSecretRef: { name: 's3' },
  };
}

/**
 * A platform that runs only an autoscaled resizer (media and converter at
 * zero: the test runs those itself), on the suite's MinIO and RabbitMQ.
 */
export function autoscaledResizer(
  name: string,
  live: { bucket: string; queueName: string },
  autoscaling: Record<string, unknown>,
): Platform {
  return {
    apiVersion: `${group}/${version}`,
    kind: 'ImagePlatform',
    metadata: { name },
    spec: {
      storage: liveStorage(live.bucket),
      queue: { urlSecretRef: { name: 'amqp' }, name: live.queueName },
      media: { replicas: 0 },
      converter: { replicas: 0 },
      resizer: { autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 4, ...autoscaling } },
    },
  };
}
