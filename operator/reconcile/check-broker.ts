import type { ImagePlatform } from '../api/imageplatform.js';
import { RABBITMQ_AMQP_PORT, rabbitmqClusterChildren } from '../api/names.js';
import type { ReconcileContext, UserProblem } from './context.js';

const FIELD = 'spec.queue.rabbitmqClusterRef';

/**
 * Checks that the platform names exactly one broker, and that a
 * `rabbitmqClusterRef` points at a RabbitmqCluster whose default user and
 * Service are where the pods will look for them (the Secret's keys are then
 * checked with every other reference). Without the RabbitMQ operator's CRD
 * that is a user problem, not an error to retry.
 */
export async function checkBroker(
  ctx: ReconcileContext,
  cr: ImagePlatform,
): Promise<UserProblem | undefined> {
  const { urlSecretRef, rabbitmqClusterRef } = cr.spec.queue;
  if (!urlSecretRef && !rabbitmqClusterRef) {
    return { reason: 'QueueBrokerUnset', message: 'spec.queue: set urlSecretRef or rabbitmqClusterRef.' };
  }
  if (urlSecretRef && rabbitmqClusterRef) {
    return {
      reason: 'QueueBrokerAmbiguous',
      message: 'spec.queue: set urlSecretRef or rabbitmqClusterRef, not both.',
    };
  }
  if (!rabbitmqClusterRef) return undefined;
  const { namespace } = cr.metadata;
  const { name } = rabbitmqClusterRef;
  const lookup = await ctx.cluster.readRabbitmqCluster(namespace, name);
  if (lookup.found === 'no-crd') {
    return {
      reason: 'RabbitmqClusterCRDNotInstalled',
      message: `${FIELD}: the RabbitmqCluster CRD (rabbitmq.com/v1beta1) is not installed; install the RabbitMQ cluster operator, or use spec.queue.urlSecretRef.`,
    };
  }
  if (lookup.found === 'none') {
    return {
      reason: 'RabbitmqClusterNotFound',
      message: `${FIELD}: RabbitmqCluster "${name}" not found in namespace "${namespace}".`,
    };
  }
  const expected = rabbitmqClusterChildren(name);
  const user = lookup.object.status?.defaultUser;
  if (!user?.secretReference?.name || !user.serviceReference?.name) {
    return {
      reason: 'RabbitmqClusterNotReady',
      message: `${FIELD}: RabbitmqCluster "${name}" reports no default user or Service yet.`,
    };
  }
  if (user.secretReference.name !== expected.secret || user.serviceReference.name !== expected.service) {
    return {
      reason: 'RabbitmqClusterUnexpected',
      message: `${FIELD}: RabbitmqCluster "${name}" reports Secret "${user.secretReference.name}" and Service "${user.serviceReference.name}", not "${expected.secret}" and "${expected.service}".`,
    };
  }
  const service = (await ctx.cluster.read({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: expected.service, namespace },
  })) as { spec?: { ports?: Array<{ port?: number }> } } | undefined;
  if (!service?.spec?.ports?.some((p) => p.port === RABBITMQ_AMQP_PORT)) {
    return {
      reason: 'RabbitmqClusterNoAmqpPort',
      message: `${FIELD}: Service "${expected.service}" does not exist or has no port ${RABBITMQ_AMQP_PORT} (amqp).`,
    };
  }
  return undefined;
}
