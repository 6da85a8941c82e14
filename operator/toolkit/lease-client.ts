import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { withSignal } from './request-options.js';

/** The Lease calls leader election makes; every one is cancelled by its signal. */
export interface LeaseClient {
  read(namespace: string, name: string, signal: AbortSignal): Promise<V1Lease>;
  create(lease: V1Lease, signal: AbortSignal): Promise<V1Lease>;
  replace(lease: V1Lease, signal: AbortSignal): Promise<V1Lease>;
}

/** {@link LeaseClient} on client-node's CoordinationV1Api. */
export function leaseClient(api: CoordinationV1Api): LeaseClient {
  return {
    read: (namespace, name, signal) => api.readNamespacedLease({ namespace, name }, withSignal(signal)),
    create: (body, signal) =>
      api.createNamespacedLease({ namespace: body.metadata?.namespace ?? '', body }, withSignal(signal)),
    replace: (body, signal) =>
      api.replaceNamespacedLease(
        { namespace: body.metadata?.namespace ?? '', name: body.metadata?.name ?? '', body },
        withSignal(signal),
      ),
  };
}
