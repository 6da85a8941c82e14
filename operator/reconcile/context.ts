import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import type { Logger } from '../../lib/log/logger.js';
import type { ClusterClient } from '../controller/cluster-client.js';

/** Reads from the informer caches: current as of the last watch event, never a network call. */
export interface CacheReader {
  platform(namespace: string, name: string): KubernetesObject | undefined;
  deployment(namespace: string, name: string): V1Deployment | undefined;
  /** Any cached child by kind (`ConfigMap`, `Deployment`, `Service`). */
  child(kind: string, namespace: string, name: string): KubernetesObject | undefined;
}

/** Everything a reconcile step may use. */
export interface ReconcileContext {
  cluster: ClusterClient;
  cache: CacheReader;
  log: Logger;
  now: () => Date;
}

/** A problem only the user can fix: reported as Degraded, not retried in a loop. */
export interface UserProblem {
  reason: string;
  message: string;
}
