import type { Logger } from '../../lib/log/logger.js';
import type { ClusterClient } from '../platform/cluster-client.js';
import type { CacheReader } from '../platform/platform-informers.js';

/** Everything a reconcile step may use. */
export interface ReconcileContext {
  cluster: ClusterClient;
  cache: CacheReader;
  log: Logger;
  now: () => Date;
  /** Image repositories platforms may run; empty allows any. */
  allowedImageRepositories: readonly string[];
}

/** A problem only the user can fix: reported as Degraded, not retried in a loop. */
export interface UserProblem {
  reason: string;
  message: string;
}
