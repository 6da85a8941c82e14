import {
  makeInformer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log/logger.js';
import { ExponentialBackoff } from './backoff.js';

export interface WatchSpec<T extends KubernetesObject> {
  /** Watch path, e.g. `/apis/apps/v1/deployments` or `/apis/apps/v1/namespaces/x/deployments`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  onChange: (obj: T) => void;
  onDelete: (obj: T) => void;
}

/** A cache of one kind, kept current by list+watch. */
export interface ResilientInformer<T extends KubernetesObject> {
  get(name: string, namespace: string): T | undefined;
  list(namespace?: string): readonly T[];
  /** True once the first list has filled the cache. */
  synced(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Wraps client-node's informer so it survives: the library re-lists by
 * itself after `410 Gone`, but stops for good on any other error (apiserver
 * restart, network cut). Here every error restarts it after a growing delay,
 * resuming from a fresh list, so no event is lost for long.
 */
export function resilientInformer<T extends KubernetesObject>(
  kc: KubeConfig,
  spec: WatchSpec<T>,
  log: Logger,
): ResilientInformer<T> {
  const informer = makeInformer<T>(kc, spec.path, spec.list, spec.labelSelector);
  const backoff = new ExponentialBackoff(500, 30_000);
  let stopped = false;
  let synced = false;
  let failed = false;
  let restart: NodeJS.Timeout | undefined;

  // The library's start() resolves even when its list fails (it reports
  // through 'error'), so success is "no error during start".
  const startOnce = async () => {
    failed = false;
    await informer.start();
    if (!failed) {
      synced = true;
      backoff.reset('watch');
    }
  };

  informer.on('add', spec.onChange);
  informer.on('update', spec.onChange);
  informer.on('delete', spec.onDelete);
  informer.on('error', (err: unknown) => {
    failed = true;
    if (stopped) return;
    const delay = backoff.next('watch');
    log.warn({ path: spec.path, error: messageOf(err), retryInMs: delay }, 'watch failed, restarting');
    restart = setTimeout(() => {
      void startOnce();
    }, delay);
  });

  return {
    get: (name, namespace) => informer.get(name, namespace),
    list: (namespace) => informer.list(namespace),
    synced: () => synced,
    async start() {
      stopped = false;
      await startOnce();
    },
    async stop() {
      stopped = true;
      clearTimeout(restart);
      await informer.stop();
    },
  };
}
