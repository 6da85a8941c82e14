import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../lib/log/logger.js';
import { createHttpService } from '../lib/http/server.js';
import { ReadinessMonitor } from '../lib/http/readiness.js';
import { registerBuildInfo } from '../lib/metrics/build-info.js';
import { createMetricsRegistry } from '../lib/metrics/registry.js';
import type { OperatorConfig } from './config.js';
import { clusterClient } from './platform/cluster-client.js';
import { DEFAULT_LEADER_ELECTION, LeaderElector } from './toolkit/leader-election.js';
import { leaseClient } from './toolkit/lease-client.js';
import { operatorMetrics, registerWatchAgeMetric } from './platform/metrics.js';
import { informerHealth, leaseHealth } from './platform/health.js';
import { registerPlatformMetrics } from './platform/platform-metrics.js';
import { platformInformers } from './platform/platform-informers.js';
import { WorkQueue } from './toolkit/work-queue.js';
import { reconcile } from './reconcile/reconcile.js';
import type { ImagePlatform } from './api/imageplatform.js';
import { ParsedPlatforms } from './api/parsed-platforms.js';
import { Autoscaler } from './autoscale/autoscaler.js';
import { autoscalerMetrics } from './autoscale/metrics.js';
import { QueueBacklogReader } from './autoscale/queue-backlog.js';
import { autoscalerCluster } from './platform/autoscaler-cluster.js';

/** A running operator. */
export interface RunningOperator {
  /** Resolves when the operator stops: `'lost'` if it lost the Lease (the process should exit non-zero). */
  done: Promise<'lost' | 'stopped'>;
  /** Graceful stop: finish in-flight reconciles, release the Lease, close the probe server. */
  stop(): Promise<void>;
}

/**
 * Starts the operator: informers (so the cache is warm on standby), the
 * probe and metrics server, then leader election; the work-queue workers
 * run only while this process holds the Lease. `enlarger operator` calls it.
 */
export async function runOperator(
  config: OperatorConfig,
  log: Logger,
  kc: KubeConfig = defaultKubeConfig(),
): Promise<RunningOperator> {
  const registry = createMetricsRegistry({ component: 'operator' });
  registerBuildInfo(registry, config.build);
  const metrics = operatorMetrics(registry);
  const queue = new WorkQueue({
    onDepth: (depth) => metrics.queueDepth.set(depth),
    onRetry: () => metrics.retries.inc(),
  });
  const informers = platformInformers(kc, config.watchNamespace, (key) => queue.add(key), log, {
    onRestart: (resource, reason) => metrics.watchRestarts.inc({ resource, reason }),
  });
  registerWatchAgeMetric(registry, informers.all);
  const leaseOptions = { ...DEFAULT_LEADER_ELECTION, ...config.lease, identity: config.identity };
  const elector = config.lease.enabled
    ? new LeaderElector(leaseClient(kc.makeApiClient(CoordinationV1Api)), leaseOptions, log)
    : undefined;
  // Every write to the cluster asks the elector first: none starts after the renew deadline.
  const fence = elector && (() => elector.writeSignal());
  const ctx = {
    cluster: clusterClient(kc, config.identity, log, fence),
    cache: informers.cache,
    log,
    now: () => new Date(),
    allowedImageRepositories: config.allowedImageRepositories,
  };

  const startedAt = Date.now();
  const readiness = new ReadinessMonitor(
    [
      { name: 'informers', check: () => informerHealth(informers, Date.now()) },
      ...(elector
        ? [
            {
              name: 'lease',
              check: () => leaseHealth(elector.lastContact() || startedAt, Date.now(), leaseOptions),
            },
          ]
        : []),
    ],
    log,
  );
  const http = createHttpService({ log, registry, readiness, routes: () => undefined });
  await http.listenAdmin({ adminPort: config.port });
  await informers.start();
  await readiness.start();
  log.info({ namespace: config.watchNamespace ?? 'all', identity: config.identity }, 'caches synced');

  const backlog = new QueueBacklogReader(log);
  const autoscaler = new Autoscaler(
    autoscalerCluster(kc, informers.cache, ctx.cluster, fence),
    backlog,
    autoscalerMetrics(registry),
    log.child({ component: 'autoscaler' }),
  );
  const parsed = new ParsedPlatforms();
  const platforms = (): ImagePlatform[] =>
    parsed.of(
      informers.platformKeys().flatMap((key) => {
        const [namespace = '', name = ''] = key.split('/');
        const obj = informers.cache.platform(namespace, name);
        return obj ? [obj] : [];
      }),
    );
  registerPlatformMetrics(registry, platforms);
  let autoscaling: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  const startWorkers = () => {
    metrics.leader.set(1);
    // Each component keeps its own interval; the tick only finds who is due.
    autoscaling = setInterval(() => {
      ticking ??= autoscaler.tick(platforms()).finally(() => (ticking = undefined));
    }, 1000);
    queue.run(async (key) => {
      log.debug({ key, identity: config.identity }, 'reconcile');
      const end = metrics.reconcileSeconds.startTimer();
      const result = await reconcile(ctx, key);
      end();
      metrics.reconciles.inc({ result: result.kind });
      return result;
    }, config.workers);
  };

  // Level-based safety net: whatever drifted without an event (a rotated Secret,
  // an edit lost while a watch was down) is put right within one period.
  const resync = setInterval(() => {
    for (const key of informers.platformKeys()) queue.add(key);
  }, config.resyncMs);
  resync.unref();

  // Called the moment the renew deadline passes; writes are already fenced. The process then exits.
  const stopWorkers = () => {
    metrics.leader.set(0);
    clearInterval(autoscaling);
    void queue.shutdown();
  };

  const election = new AbortController();
  const done = elector
    ? elector.run(election.signal, {
        onStartedLeading: startWorkers,
        onStoppedLeading: stopWorkers,
        onRenewed: (at) => metrics.leaseRenewed.set(at / 1000),
      })
    : (startWorkers(),
      new Promise<'stopped'>((resolve) =>
        election.signal.addEventListener('abort', () => resolve('stopped')),
      ));

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(resync);
      clearInterval(autoscaling);
      await ticking;
      await backlog.close();
      await queue.shutdown();
      election.abort();
      await done;
      metrics.leader.set(0);
      await informers.stop();
      readiness.stop();
      await http.close();
    })());

  return { done, stop };
}

function defaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  // KUBECONFIG, then ~/.kube/config, then the in-cluster service account.
  kc.loadFromDefault();
  return kc;
}
