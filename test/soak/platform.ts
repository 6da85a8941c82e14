import { hostMallocEnv } from '../../cli/allocator.js';
import { JEMALLOC_IMAGE_PATH } from '../../lib/process/malloc.js';
import { components } from '../../operator/api/components/index.js';
import { memoryLimitBytes } from '../../operator/api/components/resources.js';
import { parseImagePlatform } from '../../operator/api/imageplatform.js';
import type { Component } from '../../operator/api/names.js';
import type { SoakInfra } from './infra.js';

export type ServiceName = Component;

/** What a pod of one component gets from the operator: its environment, Secrets resolved, and its memory limit. */
export interface PodShape {
  name: ServiceName;
  env: Record<string, string>;
  memoryLimitBytes: number | undefined;
}

/**
 * The pods of a default ImagePlatform (only the endpoints, a signing key and
 * the queue name set), rendered by the operator's own component table, with
 * Secret references resolved as a kubelet would: so the soak runs each
 * service with exactly the settings and memory-derived budgets of the
 * operator's defaults.
 */
export function defaultPods(infra: SoakInfra, bucket: string, queue: string, signingKey: string): PodShape[] {
  const cr = parseImagePlatform({
    metadata: { name: 'soak', namespace: 'soak', uid: 'soak', generation: 1 },
    spec: {
      storage: {
        bucket,
        endpoint: infra.s3.endpoint,
        forcePathStyle: true,
        credentialsSecretRef: { name: 's3' },
      },
      queue: { name: queue, urlSecretRef: { name: 'amqp' } },
      resizer: { signingSecretRef: { name: 'signing' } },
    },
  });
  const secrets: Record<string, Record<string, string>> = {
    s3: { accessKeyId: infra.s3.accessKeyId, secretAccessKey: infra.s3.secretAccessKey },
    amqp: { url: infra.amqpUrl },
    signing: { keys: signingKey },
  };
  return components(cr).map((row) => {
    const { name } = row;
    // processEnv too: the container gets it beside the ConfigMap's settings (malloc's, read at exec).
    const env: Record<string, string> = { ...row.env, ...row.processEnv };
    // The image links jemalloc to one path; this machine has it where its distribution puts it, or not at all.
    if (env.LD_PRELOAD === JEMALLOC_IMAGE_PATH) {
      delete env.LD_PRELOAD;
      delete env.MALLOC_CONF;
      Object.assign(env, hostMallocEnv());
    }
    for (const s of row.secretEnv) {
      const value = secrets[s.secret]?.[s.key];
      if (value === undefined) throw new Error(`no Secret ${s.secret} key ${s.key} for ${name}`);
      env[s.name] = value;
    }
    return { name, env, memoryLimitBytes: memoryLimitBytes(cr.spec[name].resources) };
  });
}
