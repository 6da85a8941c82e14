import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withNamespace } from '../support/cluster.js';
import { uniqueName } from '../support/env.js';
import {
  crdEstablished,
  installCrds,
  kubeClients,
  kubectl,
  startOperator,
  type OperatorProcess,
} from '../support/kube-operator.js';
import { condition, createSecrets, minimal, platformsIn } from '../support/platforms.js';
import { eventually } from '../support/wait.js';

const { kc, core, apps, custom } = kubeClients();
const CRD = path.resolve(import.meta.dirname, '../support/rabbitmq-cluster-crd.yaml');
const CRD_NAME = 'crd/rabbitmqclusters.rabbitmq.com';

/** Waits for platform `name` to be Degraded and returns the condition's reason. */
async function degradedReason(platforms: ReturnType<typeof platformsIn>, name: string): Promise<string> {
  const p = await eventually(
    async () => {
      const p = await platforms.get(name);
      return condition(p, 'Degraded')?.status === 'True' && p;
    },
    { what: `${name} Degraded` },
  );
  return condition(p, 'Degraded')!.reason;
}

// The RabbitMQ operator is not needed: a minimal RabbitmqCluster CRD stands in
// for it, and the test writes the status and children it would.
describe('spec.queue.rabbitmqClusterRef against the apiserver', () => {
  const ns = uniqueName('imgp-rmqref');
  const platforms = platformsIn(custom, ns);
  let operator: OperatorProcess;
  let dropNamespace: () => Promise<void>;

  beforeAll(async () => {
    await installCrds();
    // Another run's leftover would hide the "no CRD" case.
    kubectl('delete', '--ignore-not-found', '--wait', CRD_NAME);
    dropNamespace = await withNamespace(kc, ns);
    await createSecrets(core, ns);
    operator = startOperator(ns, 'op-rmqref');
    await operator.port;
  });
  afterAll(async () => {
    await operator?.stop();
    await dropNamespace?.();
    kubectl('delete', '--ignore-not-found', CRD_NAME);
  });

  it('reports a missing RabbitmqCluster CRD as a False condition and creates nothing', async () => {
    await platforms.create(minimal('no-crd', { queue: { rabbitmqClusterRef: { name: 'rabbit' } } }));
    expect(await degradedReason(platforms, 'no-crd')).toBe('RabbitmqClusterCRDNotInstalled');
    const p = await platforms.get('no-crd');
    expect(condition(p, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'RabbitmqClusterCRDNotInstalled',
    });
    const deployments = await apps.listNamespacedDeployment({
      namespace: ns,
      labelSelector: 'app.kubernetes.io/instance=no-crd',
    });
    expect(deployments.items).toEqual([]);
  });

  it("with the CRD: a missing cluster is reported, then a ready one's Service and default user are rendered", async () => {
    kubectl('apply', '--server-side', '-f', CRD);
    await crdEstablished(CRD_NAME);

    await platforms.create(minimal('by-ref', { queue: { rabbitmqClusterRef: { name: 'rabbit' } } }));
    expect(await degradedReason(platforms, 'by-ref')).toBe('RabbitmqClusterNotFound');

    // What the RabbitMQ operator would have made: the cluster, its status, Service and default user.
    const rmq = { group: 'rabbitmq.com', version: 'v1beta1', namespace: ns, plural: 'rabbitmqclusters' };
    await custom.createNamespacedCustomObject({
      ...rmq,
      body: {
        apiVersion: 'rabbitmq.com/v1beta1',
        kind: 'RabbitmqCluster',
        metadata: { name: 'rabbit' },
        spec: {},
      },
    });
    await custom.patchNamespacedCustomObjectStatus({
      ...rmq,
      name: 'rabbit',
      body: [
        {
          op: 'add',
          path: '/status',
          value: {
            defaultUser: {
              secretReference: { name: 'rabbit-default-user' },
              serviceReference: { name: 'rabbit' },
            },
          },
        },
      ],
    });
    await core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'rabbit' },
        spec: { ports: [{ name: 'amqp', port: 5672 }], selector: { app: 'rabbit' } },
      },
    });
    await core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: { name: 'rabbit-default-user' },
        stringData: { username: 'default_user_x', password: 'pw' },
      },
    });

    // A spec change makes the operator look again at once (a user problem is otherwise rechecked every 30 s).
    await platforms.patch('by-ref', [{ op: 'replace', path: '/spec/media/replicas', value: 1 }]);
    const config = await eventually(
      async () =>
        (await core.readNamespacedConfigMap({ namespace: ns, name: 'by-ref-config' }).catch(() => undefined))
          ?.data,
      { what: 'the ConfigMap of by-ref' },
    );
    expect(config.AMQP_URL).toBe(`amqp://rabbit.${ns}.svc:5672`);
    // The ConfigMap is applied before the Deployments, so it can be there a moment before them.
    const media = await eventually(
      () => apps.readNamespacedDeployment({ namespace: ns, name: 'by-ref-media' }).catch(() => undefined),
      { what: 'the media Deployment of by-ref' },
    );
    const env = media.spec?.template.spec?.containers[0]?.env ?? [];
    expect(env.filter((e) => e.name.startsWith('AMQP_'))).toEqual([
      {
        name: 'AMQP_USERNAME',
        valueFrom: { secretKeyRef: { name: 'rabbit-default-user', key: 'username' } },
      },
      {
        name: 'AMQP_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'rabbit-default-user', key: 'password' } },
      },
    ]);
    // The status is written after the children: the broker problem clears.
    await eventually(async () => condition(await platforms.get('by-ref'), 'Degraded')?.status === 'False', {
      what: 'by-ref no longer Degraded',
    });
  });
});
