import { readFileSync } from 'node:fs';
import type { CoreV1Api, CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';
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
