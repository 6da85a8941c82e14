import { z } from 'zod';

/**
 * What `make kind-up` wrote to .run/kind.env and `make test-e2e-kind` exports:
 * the cluster, the in-cluster endpoints the platform's Secrets hold, and the
 * same Services by ClusterIP for the host (cluster.sh routes the Service range
 * to the node).
 */
const schema = z.object({
  KIND_KUBECONFIG: z.string().min(1),
  /** offline: the lab this machine assembles; public: a user's own kind cluster (docs/kind.md). */
  KIND_SOURCE: z.enum(['offline', 'public']).default('offline'),
  KIND_AMQP_URL: z.string().url(),
  KIND_AMQP_HOST_URL: z.string().url(),
  KIND_S3_ENDPOINT: z.string().url(),
  KIND_S3_HOST_ENDPOINT: z.string().url(),
  KIND_S3_ACCESS_KEY_ID: z.string().min(1),
  KIND_S3_SECRET_ACCESS_KEY: z.string().min(1),
  /** The image `make test-e2e-kind` built and installed the chart with. */
  IMG: z.string().regex(/^[^:]+:[^:]+$/, 'IMG must be repository:tag'),
  RELEASE: z.string().default('enlarger'),
  RELEASE_NAMESPACE: z.string().default('enlarger-system'),
});

export type KindEnv = z.infer<typeof schema>;

let cached: KindEnv | undefined;

export function kindEnv(): KindEnv {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`the kind e2e needs ${names}: run \`make kind-up\`, then \`make test-e2e-kind\``);
  }
  cached = parsed.data;
  return cached;
}

/** The environment for kubectl and other children: this one, with the kind cluster's kubeconfig. */
export function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, KUBECONFIG: kindEnv().KIND_KUBECONFIG };
}
