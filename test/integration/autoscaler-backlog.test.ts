import { Registry } from 'prom-client';
import { afterAll, describe, it } from 'vitest';
import { createLogger } from '../../lib/log/logger.js';
import { samplePlatform } from '../../operator/api/fixture.js';
import { Autoscaler, type AutoscalerCluster } from '../../operator/autoscale/autoscaler.js';
import { autoscalerMetrics } from '../../operator/autoscale/metrics.js';
import { BACKLOG_CONNECTION_NAME, QueueBacklogReader } from '../../operator/autoscale/queue-backlog.js';
import { testEnv, uniqueName } from '../support/env.js';
import { brokerConnections } from '../support/processes.js';
import { eventually } from '../support/wait.js';

// The autoscaler holds one AMQP connection per platform whose converter it
// scales. A deleted platform must not leave it open: over a year of platforms
// coming and going, leaked connections would exhaust the broker's limit.
describe('the autoscaler’s backlog connection, against real RabbitMQ', () => {
  const backlog = new QueueBacklogReader(createLogger({ level: 'silent' }));
  afterAll(() => backlog.close());

  // Only what a converter step touches; the Deployment and pods are other tests' business.
  const cluster: AutoscalerCluster = {
    pods: () => Promise.resolve([]),
    replicas: () => 1,
    scale: () => Promise.resolve(),
    applyAutoscalingStatus: () => Promise.resolve(),
    recordEvent: () => Promise.resolve(),
    secretValue: () => Promise.resolve(testEnv().AMQP_URL),
  };

  it('opens one named connection for a platform and closes it once the platform is gone', async () => {
    const autoscaler = new Autoscaler(
      cluster,
      backlog,
      autoscalerMetrics(new Registry()),
      createLogger({ level: 'silent' }),
    );
    const platform = samplePlatform({
      queue: { urlSecretRef: { name: 'amqp' }, name: uniqueName('backlog') },
      converter: { autoscaling: { enabled: true, minReplicas: 0, maxReplicas: 2, intervalSeconds: 1 } },
    });
    const name = `${BACKLOG_CONNECTION_NAME} ${platform.metadata.uid}`;

    await autoscaler.tick([platform]);
    await eventually(async () => (await brokerConnections()).has(name), {
      what: `connection "${name}" listed by the broker`,
      timeoutMs: 30_000,
    });

    // The platform left the cache: the next tick forgets it.
    await autoscaler.tick([]);
    await eventually(async () => !(await brokerConnections()).has(name), {
      what: `connection "${name}" closed`,
      timeoutMs: 30_000,
    });
  });
});
