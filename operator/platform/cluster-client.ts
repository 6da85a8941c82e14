import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  V1MicroTime,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
  type V1Secret,
} from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION, type ImagePlatform } from '../api/imageplatform.js';
import type { ImagePlatformStatus } from '../api/status.js';
import { AUTOSCALER_FIELD_MANAGER, FIELD_MANAGER, type ChildObject } from '../api/names.js';
import type { Logger } from '../../lib/log/logger.js';
import { apiMessage, isNotFound } from '../toolkit/api-errors.js';
import { apiClients } from '../toolkit/request-options.js';

/** An Event about an ImagePlatform, as `kubectl describe` shows it. */
export interface PlatformEvent {
  type: 'Normal' | 'Warning';
  /** CamelCase, e.g. `Created`, `SecretNotFound`. */
  reason: string;
  /** What the operator did: `Apply`, `Validate`. */
  action: string;
  note: string;
}

/** What a RabbitmqCluster lookup found: no such CRD, no such object, or the object. */
export type RabbitmqClusterLookup =
  { found: 'no-crd' } | { found: 'none' } | { found: 'cluster'; object: RabbitmqCluster };

/** The fields of a RabbitmqCluster (rabbitmq.com/v1beta1) the operator reads. */
export interface RabbitmqCluster {
  status?: {
    defaultUser?: { secretReference?: { name?: string }; serviceReference?: { name?: string } };
  };
}

/** The writes and reads the reconciler makes, beyond the informer caches. */
export interface ClusterClient {
  readSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
  /** A RabbitmqCluster of the RabbitMQ cluster operator, telling a missing CRD from a missing object. */
  readRabbitmqCluster(namespace: string, name: string): Promise<RabbitmqClusterLookup>;
  /** The live object of a child's kind, namespace and name, or undefined when there is none. */
  read(child: ChildObject): Promise<KubernetesObject | undefined>;
  /**
   * Server-side apply as {@link FIELD_MANAGER}, taking over conflicting fields.
   * With `dryRun`, the apiserver validates and admits the object but stores nothing.
   */
  apply(child: ChildObject, options?: { dryRun?: boolean }): Promise<KubernetesObject>;
  /** Deletes a child; one already gone is not an error. */
  delete(child: KubernetesObject): Promise<void>;
  /**
   * Server-side applies only `spec.replicas` of a Deployment, as the
   * autoscaler's field manager, so the count outlives the operator's own apply
   * dropping it (Kubernetes' documented handover of replicas to an autoscaler).
   */
  claimReplicas(deployment: ChildObject, replicas: number): Promise<void>;
  applyStatus(cr: ImagePlatform, status: ImagePlatformStatus): Promise<void>;
  /** Best effort: an Event that cannot be written is logged, never fails a reconcile. */
  recordEvent(cr: ImagePlatform, event: PlatformEvent): Promise<void>;
}

/** {@link ClusterClient} on @kubernetes/client-node. */
export function clusterClient(
  kc: KubeConfig,
  reportingInstance: string,
  log: Logger,
  /** The leader's write fence: every request asks it first (see LeaderElector.writeSignal). */
  fence?: () => AbortSignal,
): ClusterClient {
  const client = apiClients(kc, fence);
  const objects = client(KubernetesObjectApi);
  const core = client(CoreV1Api);
  const custom = client(CustomObjectsApi);
  const events = client(EventsV1Api);
  const applyContentType = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

  return {
    async readSecret(namespace, name) {
      try {
        return await core.readNamespacedSecret({ namespace, name });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async readRabbitmqCluster(namespace, name) {
      try {
        const object = (await custom.getNamespacedCustomObject({
          group: 'rabbitmq.com',
          version: 'v1beta1',
          namespace,
          plural: 'rabbitmqclusters',
          name,
        })) as RabbitmqCluster;
        return { found: 'cluster', object };
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // A missing object is a Status naming it; a resource type the
        // apiserver does not serve (no CRD) is a bare 404 with no details.
        return notFoundNames(err) ? { found: 'none' } : { found: 'no-crd' };
      }
    },

    async read(child) {
      try {
        return await objects.read({
          apiVersion: child.apiVersion,
          kind: child.kind,
          metadata: { name: child.metadata.name, namespace: child.metadata.namespace },
        });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    apply: (child, options) =>
      objects.patch(
        child,
        undefined,
        options?.dryRun ? 'All' : undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      ),

    async delete(child) {
      try {
        await objects.delete(child);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },

    async claimReplicas(deployment, replicas) {
      const { apiVersion, kind, metadata } = deployment;
      const body = { apiVersion, kind, metadata: { name: metadata.name, namespace: metadata.namespace } };
      await objects.patch(
        { ...body, spec: { replicas } },
        undefined,
        undefined,
        AUTOSCALER_FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    },

    async applyStatus(cr, status) {
      await custom.patchNamespacedCustomObjectStatus(
        {
          group: GROUP,
          version: VERSION,
          namespace: cr.metadata.namespace,
          plural: PLURAL,
          name: cr.metadata.name,
          body: {
            apiVersion: cr.apiVersion,
            kind: cr.kind,
            metadata: { name: cr.metadata.name, namespace: cr.metadata.namespace },
            status,
          },
          fieldManager: FIELD_MANAGER,
          force: true,
        },
        applyContentType,
      );
    },

    async recordEvent(cr, event) {
      const { name, namespace, uid } = cr.metadata;
      await events
        .createNamespacedEvent({
          namespace,
          body: {
            metadata: { generateName: `${name}-`, namespace },
            eventTime: new V1MicroTime(),
            reportingController: 'enlarger.dev/operator',
            reportingInstance,
            action: event.action,
            reason: event.reason,
            type: event.type,
            note: event.note.slice(0, 1024),
            regarding: { apiVersion: cr.apiVersion, kind: cr.kind, name, namespace, uid },
          },
        })
        .catch((err: unknown) =>
          log.warn(
            { namespace, name, reason: event.reason, error: apiMessage(err) },
            'could not record event',
          ),
        );
    },
  };
}

/** Whether a 404 names the object that was not found (rather than the whole resource type). */
function notFoundNames(err: unknown): boolean {
  if (!(err instanceof ApiException)) return false;
  const body: unknown = typeof err.body === 'string' ? parseJson(err.body) : err.body;
  return typeof (body as { details?: { name?: unknown } } | undefined)?.details?.name === 'string';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
