import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  NetworkingV1Api,
  PolicyV1Api,
  type ConfigurationOptions,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import type { Logger } from '../../lib/log/logger.js';
import { GROUP, KIND, PLURAL, VERSION } from '../api/imageplatform.js';
import { FIELD_MANAGER } from '../api/names.js';
import { resilientInformer, type InformerObserver, type ResilientInformer } from '../toolkit/informer.js';

const CHILD_SELECTOR = `app.kubernetes.io/managed-by=${FIELD_MANAGER}`;

/** The informers of ImagePlatforms and their children, and a cache reader over them. */

/** Reads from the informer caches: current as of the last watch event, never a network call. */
export interface CacheReader {
  platform(namespace: string, name: string): KubernetesObject | undefined;
  deployment(namespace: string, name: string): V1Deployment | undefined;
  /** Any cached child by kind (`ConfigMap`, `Deployment`, `Service`, `PodDisruptionBudget`, ...). */
  child(kind: string, namespace: string, name: string): KubernetesObject | undefined;
  /** Every cached child of a kind in a namespace (each carries the operator's `managed-by` label). */
  children(kind: string, namespace: string): KubernetesObject[];
}

export interface PlatformInformers {
  cache: CacheReader;
  /** Work-queue keys (`namespace/name`) of every cached ImagePlatform. */
  platformKeys(): string[];
  synced(): boolean;
  /** Each informer, for health checks and metrics. */
  all: readonly ResilientInformer<KubernetesObject>[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

const keyOf = (obj: KubernetesObject) => `${obj.metadata?.namespace}/${obj.metadata?.name}`;

/** The owning ImagePlatform's key, from the controller owner reference the builders set. */
function ownerKey(obj: KubernetesObject): string | undefined {
  const owner = obj.metadata?.ownerReferences?.find(
    (r) => r.controller && r.kind === KIND && r.apiVersion.startsWith(`${GROUP}/`),
  );
  return owner ? `${obj.metadata?.namespace}/${owner.name}` : undefined;
}

/**
 * Watches ImagePlatforms and every child kind (only objects labelled as
 * ours), enqueueing the owning platform's key on any change.
 */
export function platformInformers(
  kc: KubeConfig,
  namespace: string | undefined,
  enqueue: (key: string) => void,
  log: Logger,
  observer?: InformerObserver,
): PlatformInformers {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const policy = kc.makeApiClient(PolicyV1Api);
  const networking = kc.makeApiClient(NetworkingV1Api);
  const scope = (group: string, resource: string) =>
    `${group}${namespace ? `/namespaces/${namespace}` : ''}/${resource}`;
  const selector = { labelSelector: CHILD_SELECTOR };

  const onPlatform = (obj: KubernetesObject) => enqueue(keyOf(obj));
  // Status writes do not move the generation: reconciling on them would only re-derive the same status.
  const platformUpdates = new Map<string, number | undefined>();
  const onPlatformChange = (obj: KubernetesObject) => {
    const key = keyOf(obj);
    const generation = obj.metadata?.generation;
    if (platformUpdates.get(key) === generation && !obj.metadata?.deletionTimestamp) return;
    platformUpdates.set(key, generation);
    enqueue(key);
  };
  const onChild = (obj: KubernetesObject) => {
    const key = ownerKey(obj);
    if (key) enqueue(key);
  };
  const child = <T extends KubernetesObject>(
    group: string,
    resource: string,
    list: (options: ConfigurationOptions) => Promise<KubernetesListObject<T>>,
  ) =>
    resilientInformer<T>(
      kc,
      {
        resource,
        path: scope(group, resource),
        list,
        labelSelector: CHILD_SELECTOR,
        onChange: onChild,
        onDelete: onChild,
      },
      log,
      observer,
    );

  const platforms = resilientInformer<KubernetesObject>(
    kc,
    {
      resource: PLURAL,
      path: scope(`/apis/${GROUP}/${VERSION}`, PLURAL),
      list: (options) =>
        (namespace
          ? custom.listNamespacedCustomObject(
              { group: GROUP, version: VERSION, plural: PLURAL, namespace },
              options,
            )
          : custom.listClusterCustomObject(
              { group: GROUP, version: VERSION, plural: PLURAL },
              options,
            )) as Promise<KubernetesListObject<KubernetesObject>>,
      onChange: onPlatformChange,
      onDelete: (obj) => {
        platformUpdates.delete(keyOf(obj));
        onPlatform(obj);
      },
    },
    log,
    observer,
  );
  const deployments = child<V1Deployment>('/apis/apps/v1', 'deployments', (options) =>
    namespace
      ? apps.listNamespacedDeployment({ namespace, ...selector }, options)
      : apps.listDeploymentForAllNamespaces(selector, options),
  );
  const services = child('/api/v1', 'services', (options) =>
    namespace
      ? core.listNamespacedService({ namespace, ...selector }, options)
      : core.listServiceForAllNamespaces(selector, options),
  );
  const configMaps = child('/api/v1', 'configmaps', (options) =>
    namespace
      ? core.listNamespacedConfigMap({ namespace, ...selector }, options)
      : core.listConfigMapForAllNamespaces(selector, options),
  );
  const serviceAccounts = child('/api/v1', 'serviceaccounts', (options) =>
    namespace
      ? core.listNamespacedServiceAccount({ namespace, ...selector }, options)
      : core.listServiceAccountForAllNamespaces(selector, options),
  );
  const budgets = child('/apis/policy/v1', 'poddisruptionbudgets', (options) =>
    namespace
      ? policy.listNamespacedPodDisruptionBudget({ namespace, ...selector }, options)
      : policy.listPodDisruptionBudgetForAllNamespaces(selector, options),
  );
  const networkPolicies = child('/apis/networking.k8s.io/v1', 'networkpolicies', (options) =>
    namespace
      ? networking.listNamespacedNetworkPolicy({ namespace, ...selector }, options)
      : networking.listNetworkPolicyForAllNamespaces(selector, options),
  );
  const byKind: Record<string, ResilientInformer<KubernetesObject>> = {
    Deployment: deployments,
    Service: services,
    ConfigMap: configMaps,
    ServiceAccount: serviceAccounts,
    PodDisruptionBudget: budgets,
    NetworkPolicy: networkPolicies,
  };
  const children = Object.values(byKind);
  const all = [platforms, ...children];

  return {
    cache: {
      platform: (ns, name) => platforms.get(name, ns),
      deployment: (ns, name) => deployments.get(name, ns),
      child: (kind, ns, name) => byKind[kind]?.get(name, ns),
      children: (kind, ns) => [...(byKind[kind]?.list(ns) ?? [])],
    },
    platformKeys: () => platforms.list().map(keyOf),
    synced: () => all.every((i) => i.synced()),
    all,
    // Children first: when the first platforms are enqueued, their children are already cached.
    async start() {
      await Promise.all(children.map((i) => i.start()));
      await platforms.start();
    },
    async stop() {
      await Promise.all(all.map((i) => i.stop()));
    },
  };
}
