import * as k8s from '@kubernetes/client-node';
import { testEnv } from './env.js';

/** A KubeConfig for the cluster of the test infrastructure. */
export function testKubeConfig(): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(testEnv().KUBECONFIG);
  return kc;
}

/** The HTTP status of a client-node ApiException, or undefined for anything else. */
export const statusOf = (err: unknown): number | undefined =>
  err instanceof k8s.ApiException ? err.code : undefined;

/** Creates a namespace and returns a function that deletes it. */
export async function withNamespace(kc: k8s.KubeConfig, name: string): Promise<() => Promise<void>> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespace({ body: { metadata: { name } } });
  return async () => {
    await core.deleteNamespace({ name }).catch((err: unknown) => {
      if (statusOf(err) !== 404) throw err;
    });
  };
}
