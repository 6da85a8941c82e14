import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

const RESOURCES = [
  '/apis/apps/v1/namespaces/%s/deployments',
  '/api/v1/namespaces/%s/services',
  '/api/v1/namespaces/%s/configmaps',
];

/**
 * When each child of the operator first appeared, as a watch sees it: the
 * moment a `kubectl get -w` user would. Times are `performance.now()`.
 */
export class ChildArrivals {
  private readonly seen = new Map<string, number>();
  private readonly watches: AbortController[] = [];
  private wake: Array<() => void> = [];
  private failure: Error | undefined;
  private stopped = false;

  /** Starts watching the children in `namespace`; resolves once every watch is open. */
  static async start(kc: KubeConfig, namespace: string): Promise<ChildArrivals> {
    const arrivals = new ChildArrivals();
    const watch = new Watch(kc);
    for (const resource of RESOURCES) {
      const path = resource.replace('%s', namespace);
      const controller = await watch.watch(
        path,
        { labelSelector: 'app.kubernetes.io/managed-by=enlarger-operator' },
        (type: string, obj: KubernetesObject) => arrivals.record(type, obj),
        (err: unknown) => arrivals.ended(path, err),
      );
      arrivals.watches.push(controller);
    }
    return arrivals;
  }

  /** Resolves with the time the last of `names` (`Kind/name`) appeared. */
  async allOf(names: string[]): Promise<number> {
    for (;;) {
      if (this.failure) throw this.failure;
      const times = names.map((n) => this.seen.get(n));
      if (times.every((t) => t !== undefined)) return Math.max(...times);
      await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watches) w.abort();
  }

  private record(type: string, obj: KubernetesObject): void {
    const name = `${obj.kind}/${obj.metadata?.name}`;
    if (type !== 'ADDED' || this.seen.has(name)) return;
    this.seen.set(name, performance.now());
    this.notify();
  }

  // A benchmark with a silently dead watch would wait forever: fail instead.
  private ended(path: string, err: unknown): void {
    if (this.stopped) return;
    this.failure = new Error(`watch on ${path} ended: ${String(err)}`);
    this.notify();
  }

  private notify(): void {
    for (const wake of this.wake.splice(0)) wake();
  }
}
