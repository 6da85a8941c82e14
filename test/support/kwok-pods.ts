import type { ChildProcess } from 'node:child_process';
import type { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { resolvePodEnv, runContainer } from './local-pod.js';
import { killAndWait } from './processes.js';

/** A kwok pod brought to life: a real process listening on the pod's own (loopback) IP. */
export interface LivePod {
  name: string;
  ip: string;
  child: ChildProcess;
}

/**
 * Stands a real process in for every Ready kwok pod of a Deployment, as a
 * kubelet would: the container's command line from dist/, its env resolved
 * from the ConfigMap and Secrets, listening on the pod's IP (kwok hands them
 * out in 127.244.0.0/16, see scripts/cluster.sh), so whatever reaches the pod
 * by IP (the autoscaler's scrape, a load generator) reaches the process.
 * Pods that go away get their process stopped. Call `stop()` to end it all.
 */
export function runKwokPods(
  apps: AppsV1Api,
  core: CoreV1Api,
  namespace: string,
  deployment: string,
  hostVariable: string,
): { pods: () => LivePod[]; pause: (paused: boolean) => Promise<void>; stop: () => Promise<void> } {
  const live = new Map<string, LivePod>();
  let stopped = false;
  let paused = false;
  const sync = async () => {
    const d = await apps.readNamespacedDeployment({ namespace, name: deployment });
    const container = d.spec!.template.spec!.containers[0]!;
    const selector = Object.entries(d.spec!.selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const { items } = await core.listNamespacedPod({ namespace, labelSelector: selector });
    const wanted = new Map(
      items
        .filter((p) => p.status?.podIP && !p.metadata?.deletionTimestamp && p.status.phase === 'Running')
        .map((p) => [p.metadata!.name!, p.status!.podIP!]),
    );
    for (const [name, pod] of live) {
      if (wanted.has(name) && !paused) continue;
      live.delete(name);
      await killAndWait(pod.child, 'SIGKILL');
    }
    if (paused) return;
    for (const [name, ip] of wanted) {
      if (live.has(name)) continue;
      const env = await resolvePodEnv(core, namespace, container);
      live.set(name, { name, ip, child: runContainer(container, { ...env, [hostVariable]: ip }) });
    }
  };
  let syncing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    syncing = syncing.then(() => (stopped ? undefined : sync().catch(() => undefined)));
  }, 500);
  return {
    pods: () => [...live.values()],
    async pause(value) {
      paused = value;
      syncing = syncing.then(() => sync().catch(() => undefined));
      await syncing;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await syncing;
      await Promise.all([...live.values()].map((p) => killAndWait(p.child, 'SIGKILL')));
      live.clear();
    },
  };
}
