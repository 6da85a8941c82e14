import {
  createConfiguration,
  Observable,
  ServerConfiguration,
  type ConfigurationOptions,
  type KubeConfig,
  type Middleware,
  type ObservableMiddleware,
  type RequestContext,
} from '@kubernetes/client-node';

/**
 * Per-call options that abort the request when `signal` aborts. client-node
 * 1.4 sends no timeout of its own: without this, a call to a stalled
 * apiserver waits as long as the TCP connection lives.
 */
export function withSignal(signal: AbortSignal): ConfigurationOptions {
  // Per-call middleware is the Observable kind; client-node's `Observable` wraps a promise.
  const middleware: ObservableMiddleware = {
    pre: (ctx) => (ctx.setSignal(signal), new Observable(Promise.resolve(ctx))),
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/** A client-wide middleware that gives each request the signal `signalFor` returns, or fails it when that throws. */
export function signalMiddleware(signalFor: () => AbortSignal): Middleware {
  return {
    // A fence that throws rejects the request before it is sent.
    pre: (ctx: RequestContext) =>
      new Promise<RequestContext>((resolve) => (ctx.setSignal(signalFor()), resolve(ctx))),
    post: (response) => Promise.resolve(response),
  };
}

/**
 * `kc.makeApiClient(type)` with `middleware` run on every request. Needed for
 * KubernetesObjectApi, which ignores per-call middleware.
 */
export function makeApiClientWith<T>(
  kc: KubeConfig,
  type: new (config: ReturnType<typeof createConfiguration>) => T,
  middleware: Middleware[],
): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster in the kubeconfig');
  return new type(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: middleware,
    }),
  );
}

/** Makes API clients; see {@link apiClients}. */
export type ApiClientFactory = <T>(type: new (config: ReturnType<typeof createConfiguration>) => T) => T;

/**
 * API clients whose every request first asks `fence` for its signal: a
 * fence that throws (this process no longer leads) fails the request before
 * it is sent, and one that aborts later cancels it in flight.
 */
export function apiClients(kc: KubeConfig, fence?: () => AbortSignal): ApiClientFactory {
  return (type) =>
    fence ? makeApiClientWith(kc, type, [signalMiddleware(fence)]) : new type(plainConfig(kc));
}

function plainConfig(kc: KubeConfig) {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster in the kubeconfig');
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
  });
}

/** A signal that aborts after `ms`, on a timer fake clocks control (AbortSignal.timeout's is not). */
export function timeoutSignal(ms: number, reason = `no answer within ${ms} ms`): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(reason)), ms);
  timer.unref?.();
  return controller.signal;
}
