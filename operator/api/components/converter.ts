import { MALLOC_ENV } from '../../../lib/process/malloc.js';
import { decodeMemoryBudget, type ConverterEnv } from '../../../services/converter/config.js';
import type { ImagePlatform } from '../imageplatform.js';
import { resolvePlacement } from './placement.js';
import { POD_PORTS, PROBES, workerDrain, type ComponentRow } from './row.js';
import { memoryLimitBytes, quantitiesAsStrings } from './resources.js';
import {
  eventsEnv,
  queueEnv,
  queueSecrets,
  storageEnv,
  storageSecrets,
  tracingEnv,
  tracingSecrets,
} from './shared-env.js';

/** The queue worker: no Service, scaled on the RabbitMQ backlog when autoscaling is on. */
export function converter(cr: ImagePlatform): ComponentRow {
  const { converter, queue, limits } = cr.spec;
  const limit = memoryLimitBytes(converter.resources);
  const env = {
    ...storageEnv(cr),
    ...tracingEnv(cr),
    ...queueEnv(cr),
    ...eventsEnv(cr),
    CONVERTER_ADMIN_PORT: String(POD_PORTS.admin),
    // Prefetch only matters to the consumer, so media does not restart when it changes.
    QUEUE_PREFETCH: String(queue.prefetch),
    CONVERTER_MASTER_MAX_EDGE: String(converter.master.maxEdge),
    CONVERTER_MASTER_FORMAT: converter.master.format,
    CONVERTER_MASTER_QUALITY: String(converter.master.quality),
    CONVERTER_SIZES: JSON.stringify(converter.sizes),
    // Media's limit, so nothing it accepts is refused here.
    CONVERTER_MAX_PIXELS: String(limits.maxPixels),
    // Decodes are admitted against a share of the pod's own limit, so a bigger pod converts more at once.
    ...(limit
      ? ({
          CONVERTER_MEMORY_BUDGET: String(decodeMemoryBudget(limit, converter.memoryBudgetFraction)),
        } satisfies Partial<ConverterEnv>)
      : {}),
  } satisfies ConverterEnv;
  return {
    name: 'converter',
    args: ['converter'],
    ports: { admin: POD_PORTS.admin },
    service: undefined,
    probes: PROBES,
    env,
    secretEnv: [...storageSecrets(cr), ...tracingSecrets(cr), ...queueSecrets(cr)],
    processEnv: MALLOC_ENV,
    replicas: converter.autoscaling.enabled ? converter.autoscaling.minReplicas : converter.replicas,
    maxReplicas: converter.autoscaling.enabled ? converter.autoscaling.maxReplicas : converter.replicas,
    scaling: converter.autoscaling.enabled
      ? { signal: 'queue-backlog', autoscaling: converter.autoscaling }
      : { signal: 'none' },
    resources: quantitiesAsStrings(converter.resources),
    // Its old 120 s grace was never used: the process exits after its own shutdown timeout, and
    // RabbitMQ hands a task still unacknowledged then to another converter.
    drain: workerDrain(),
    // A queue worker: no request is lost when its pods share a node, so it is placed where the user says only.
    placement: resolvePlacement(cr, 'converter', converter, false),
    podDisruptionBudget: converter.podDisruptionBudget,
    override: converter.override,
  };
}
