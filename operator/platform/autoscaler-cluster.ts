import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '../api/imageplatform.js';
import { AUTOSCALER_FIELD_MANAGER } from '../api/names.js';
import type { AutoscalerCluster } from '../autoscale/autoscaler.js';
import { isNotFound } from '../toolkit/api-errors.js';
import { apiClients } from '../toolkit/request-options.js';
import type { ClusterClient } from './cluster-client.js';
import type { CacheReader } from './platform-informers.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** {@link AutoscalerCluster} on client-node: pods by list, replicas from the cache, writes as `enlarger-autoscaler`. */
export function autoscalerCluster(
  kc: KubeConfig,
  cache: CacheReader,
  cluster: ClusterClient,
  /** The leader's write fence, as {@link clusterClient} takes it. */
  fence?: () => AbortSignal,
): AutoscalerCluster {
  const client = apiClients(kc, fence);
  const core = client(CoreV1Api);
  const apps = client(AppsV1Api);
  const custom = client(CustomObjectsApi);
  const selectorOf = (labels: Record<string, string>) =>
    Object.entries(labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');

  return {
    async pods(namespace, selector) {
      const { items } = await core.listNamespacedPod({ namespace, labelSelector: selectorOf(selector) });
      return items.map((pod) => ({
        name: pod.metadata?.name ?? '',
        ip: pod.status?.podIP,
        ready:
          !pod.metadata?.deletionTimestamp &&
          (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      }));
    },

    replicas: (namespace, name) => cache.deployment(namespace, name)?.spec?.replicas,

    async scale(namespace, name, replicas) {
      // The scale subresource changes replicas and nothing else, so the
      // reconciler's server-side apply (which omits replicas while autoscaling) never conflicts with it.
      await apps.patchNamespacedDeploymentScale(
        { namespace, name, body: { spec: { replicas } }, fieldManager: AUTOSCALER_FIELD_MANAGER },
        mergePatch,
      );
    },

    async applyAutoscalingStatus(cr, status) {
      // A merge patch of status.autoscaling.<component> only: the reconciler's own status fields are untouched.
      await custom.patchNamespacedCustomObjectStatus(
        {
          group: GROUP,
          version: VERSION,
          namespace: cr.metadata.namespace,
          plural: PLURAL,
          name: cr.metadata.name,
          body: { status: { autoscaling: status } },
          fieldManager: AUTOSCALER_FIELD_MANAGER,
        },
        mergePatch,
      );
    },

    recordEvent: (cr, event) => cluster.recordEvent(cr, event),

    async secretValue(namespace, name, key) {
      try {
        const value = (await core.readNamespacedSecret({ namespace, name })).data?.[key];
        return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
  };
}
