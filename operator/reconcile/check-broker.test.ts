import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log/logger.js';
import { samplePlatform } from '../api/fixture.js';
import type { ClusterClient, RabbitmqClusterLookup } from '../platform/cluster-client.js';
import { checkBroker } from './check-broker.js';
import type { ReconcileContext } from './context.js';

const ready: RabbitmqClusterLookup = {
  found: 'cluster',
  object: {
    status: {
      defaultUser: { secretReference: { name: 'rabbit-default-user' }, serviceReference: { name: 'rabbit' } },
    },
  },
};

/** A context whose cluster holds `lookup` and, when `amqpPort` is set, a Service with that port. */
function context(lookup: RabbitmqClusterLookup, amqpPort?: number): ReconcileContext {
  const cluster = {
    readRabbitmqCluster: () => Promise.resolve(lookup),
    read: () =>
      Promise.resolve(amqpPort ? { spec: { ports: [{ name: 'amqp', port: amqpPort }] } } : undefined),
  } as unknown as ClusterClient;
  return {
    cluster,
    cache: undefined as never,
    log: createLogger({ level: 'silent' }),
    now: () => new Date(0),
    allowedImageRepositories: [],
  };
}

const byCluster = samplePlatform({ queue: { rabbitmqClusterRef: { name: 'rabbit' } } });

describe('checkBroker', () => {
  it('accepts a URL Secret without asking the cluster anything', async () => {
    expect(await checkBroker(context({ found: 'no-crd' }), samplePlatform())).toBeUndefined();
  });

  it('asks for exactly one of urlSecretRef and rabbitmqClusterRef', async () => {
    const neither = samplePlatform({ queue: {} });
    const both = samplePlatform({
      queue: { urlSecretRef: { name: 'amqp' }, rabbitmqClusterRef: { name: 'rabbit' } },
    });
    expect((await checkBroker(context(ready, 5672), neither))?.reason).toBe('QueueBrokerUnset');
    expect((await checkBroker(context(ready, 5672), both))?.reason).toBe('QueueBrokerAmbiguous');
  });

  it('reports a missing CRD, a missing cluster, one not ready and one without an amqp port, each by name', async () => {
    expect(await checkBroker(context({ found: 'no-crd' }), byCluster)).toEqual({
      reason: 'RabbitmqClusterCRDNotInstalled',
      message:
        'spec.queue.rabbitmqClusterRef: the RabbitmqCluster CRD (rabbitmq.com/v1beta1) is not installed; install the RabbitMQ cluster operator, or use spec.queue.urlSecretRef.',
    });
    expect(await checkBroker(context({ found: 'none' }), byCluster)).toEqual({
      reason: 'RabbitmqClusterNotFound',
      message: 'spec.queue.rabbitmqClusterRef: RabbitmqCluster "rabbit" not found in namespace "media-team".',
    });
    const starting: RabbitmqClusterLookup = { found: 'cluster', object: {} };
    expect((await checkBroker(context(starting, 5672), byCluster))?.reason).toBe('RabbitmqClusterNotReady');
    expect((await checkBroker(context(ready), byCluster))?.reason).toBe('RabbitmqClusterNoAmqpPort');
    expect(await checkBroker(context(ready, 5672), byCluster)).toBeUndefined();
  });
});
