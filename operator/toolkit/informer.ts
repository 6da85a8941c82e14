import {
  ListWatch,
  type ConfigurationOptions,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log/logger.js';
import { ExponentialBackoff } from './backoff.js';
import { statusOf } from './api-errors.js';
import { timeoutSignal, withSignal } from './request-options.js';
import { BoundedWatch, retryAfterMs, WatchError } from './watch.js';

export interface WatchSpec<T extends KubernetesObject> {
  /** Short name for logs and metrics, e.g. `deployments`. */
  resource: string;
  /** Watch path, e.g. `/apis/apps/v1/deployments` or `/apis/apps/v1/namespaces/x/deployments`. */
  path: string;
  /** Lists the objects; pass `options` on, they bound the call. */
  list: (options: ConfigurationOptions) => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  onChange: (obj: T) => void;
  onDelete: (obj: T) => void;
}

/** Why a watch was restarted: the `reason` label of the restarts metric. */
export type RestartReason = 'closed' | 'expired' | 'throttled' | 'server_error' | 'rejected' | 'unreachable';

/** What an informer reports beyond its events. */
export interface InformerObserver {
  onRestart(resource: string, reason: RestartReason): void;
}

/** A cache of one kind, kept current by list+watch. */
export interface ResilientInformer<T extends KubernetesObject> {
  readonly resource: string;
  get(name: string, namespace: string): T | undefined;
  list(namespace?: string): readonly T[];
  /** True once the first list has filled the cache. */
  synced(): boolean;
  /** Since when (ms since the epoch) lists and watches have been failing, or undefined while they work. */
  failingSince(): number | undefined;
  /** When (ms since the epoch) the last list answered or the last watch event arrived; 0 before either. */
  lastActivity(): number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A list that hangs (a stalled apiserver) must not stop the informer for good. */
const LIST_TIMEOUT_MS = 30_000;

/** The restart reason of a watch or list that ended with `err` (null: closed by the server). */
export function restartReason(err: unknown): RestartReason {
  if (err === null || err === undefined) return 'closed';
  const status = (err as WatchError).statusCode ?? statusOf(err);
  if (status === undefined) return 'unreachable';
  if (status === 410) return 'expired';
  if (status === 429) return 'throttled';
  return status >= 500 ? 'server_error' : 'rejected';
}

/** The `Retry-After` of a 429 from a list (ApiException) or a watch (WatchError). */
function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof WatchError) return err.retryAfterMs;
  const headers = (err as { headers?: Record<string, string> } | undefined)?.headers;
  return retryAfterMs(headers?.['retry-after'] ?? headers?.['Retry-After']);
}

/**
 * client-node's ListWatch made to survive: it re-lists by itself after
 * `410 Gone` but stops for good on any other error (apiserver restart,
 * network cut). Here every error restarts it: after the server's Retry-After
 * on a 429; after a short backoff (200 ms doubling to 2 s) while the apiserver
 * is unreachable, so it resumes within 2 s of coming back; after a longer one
 * (to 30 s) when the apiserver answers with an error. The backoff resets on
 * the first successful list or watch.
 */
export function resilientInformer<T extends KubernetesObject>(
  kc: KubeConfig,
  spec: WatchSpec<T>,
  log: Logger,
  observer?: InformerObserver,
): ResilientInformer<T> {
  const unreachable = new ExponentialBackoff(200, 2_000);
  const refused = new ExponentialBackoff(500, 30_000);
  let stopped = false;
  let synced = false;
  let failing: number | undefined;
  let activity = 0;
  let restart: NodeJS.Timeout | undefined;

  const healthy = () => {
    failing = undefined;
    activity = Date.now();
    unreachable.reset(spec.resource);
    refused.reset(spec.resource);
  };
  const watch = new BoundedWatch(kc, {
    onConnected: healthy,
    onEvent: () => (activity = Date.now()),
    onEnded: (err) => {
      if (!stopped) observer?.onRestart(spec.resource, restartReason(err));
    },
  });
  const list = async () => {
    const result = await spec.list(withSignal(timeoutSignal(LIST_TIMEOUT_MS, 'list timed out')));
    healthy();
    synced = true;
    return result;
  };
  const informer = new ListWatch<T>(spec.path, watch, list, false, spec.labelSelector);

  informer.on('add', spec.onChange);
  informer.on('update', spec.onChange);
  informer.on('delete', spec.onDelete);
  informer.on('error', (err: unknown) => {
    if (stopped) return;
    failing ??= Date.now();
    const reason = restartReason(err);
    // A failed list reports here only; a failed watch was counted as it ended.
    if (!(err instanceof WatchError)) observer?.onRestart(spec.resource, reason);
    const delay =
      (reason === 'throttled' ? retryAfterOf(err) : undefined) ??
      (reason === 'unreachable' ? unreachable : refused).next(spec.resource);
    log.warn(
      { resource: spec.resource, reason, error: messageOf(err), retryInMs: delay },
      'watch failed, restarting',
    );
    clearTimeout(restart);
    restart = setTimeout(() => void informer.start(), delay);
  });

  return {
    resource: spec.resource,
    get: (name, namespace) => informer.get(name, namespace),
    list: (namespace) => informer.list(namespace),
    synced: () => synced,
    failingSince: () => failing,
    lastActivity: () => activity,
    async start() {
      stopped = false;
      await informer.start();
    },
    async stop() {
      stopped = true;
      clearTimeout(restart);
      await informer.stop();
    },
  };
}
