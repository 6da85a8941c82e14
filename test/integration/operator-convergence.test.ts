import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withNamespace } from '../support/cluster.js';
import { uniqueName } from '../support/env.js';
import { installCrds, kubeClients, startOperator, type OperatorProcess } from '../support/kube-operator.js';
import { createSecrets, minimal, platformsIn } from '../support/platforms.js';
import { operatorNamespace } from '../support/operator-namespace.js';
import { eventually } from '../support/wait.js';

const { kc, core, apps, custom } = kubeClients();
const CHILDREN = 'app.kubernetes.io/managed-by=enlarger-operator';
const oneReplicaEach = {
  media: { replicas: 1 },
  converter: { replicas: 1 },
  resizer: { replicas: 1 },
};

const names = (objects: KubernetesObject[]) => objects.map((o) => o.metadata?.name).sort();

/** Every object the operator manages in `namespace`, by kind. */
async function childrenIn(namespace: string, labelSelector = CHILDREN) {
  const [deployments, services, configMaps] = await Promise.all([
    apps.listNamespacedDeployment({ namespace, labelSelector }),
    core.listNamespacedService({ namespace, labelSelector }),
    core.listNamespacedConfigMap({ namespace, labelSelector }),
  ]);
  return { deployments: deployments.items, services: services.items, configMaps: configMaps.items };
}

describe('ImagePlatform operator killed mid-reconcile', () => {
  const ns = uniqueName('imgp-kill');
  const platforms = platformsIn(custom, ns);
  const count = 6;
  const operators: OperatorProcess[] = [];
  let dropNamespace: () => Promise<void>;

  beforeAll(async () => {
    await installCrds();
    dropNamespace = await withNamespace(kc, ns);
    await createSecrets(core, ns);
  });
  afterAll(async () => {
    await Promise.all(operators.map((o) => o.stop('SIGKILL')));
    await dropNamespace();
  });

  it('converges after a restart, with exactly one of each child and nothing rolled twice', async () => {
    const killed = startOperator(ns, 'op-killed');
    operators.push(killed);
    await killed.waitForLine(/"became leader"/);
    const platformNames = Array.from({ length: count }, (_, i) => `p${i}`);
    await Promise.all(platformNames.map((name) => platforms.create(minimal(name, oneReplicaEach))));

    // SIGKILL as soon as the first child is written: no shutdown hook runs, the
    // Lease is not released, and the other platforms are half done or not started.
    await killed.waitForLine(/"applied child"/);
    await killed.stop('SIGKILL');
    const atKill = await childrenIn(ns);
    const writtenAtKill = atKill.deployments.length + atKill.services.length + atKill.configMaps.length;
    expect(writtenAtKill).toBeGreaterThan(0);
    expect(writtenAtKill).toBeLessThan(6 * count);

    // The successor waits for the dead holder's Lease to expire, as a restarted pod would.
    const restarted = startOperator(ns, 'op-restarted');
    operators.push(restarted);
    await Promise.all(platformNames.map((name) => platforms.waitReady(name, 1, 90_000)));

    for (const name of platformNames) {
      const uid = (await platforms.get(name)).metadata?.uid;
      const owned = (objects: KubernetesObject[]) =>
        objects.filter((o) => o.metadata?.ownerReferences?.some((r) => r.controller && r.uid === uid));
      const children = await childrenIn(ns, `${CHILDREN},app.kubernetes.io/instance=${name}`);
      expect(names(owned(children.configMaps))).toEqual([`${name}-config`]);
      expect(names(owned(children.deployments))).toEqual([
        `${name}-converter`,
        `${name}-media`,
        `${name}-resizer`,
      ]);
      expect(names(owned(children.services))).toEqual([`${name}-media`, `${name}-resizer`]);
      // One ReplicaSet per Deployment: the restart re-derived identical pod templates.
      const replicaSets = await apps.listNamespacedReplicaSet({
        namespace: ns,
        labelSelector: `app.kubernetes.io/instance=${name}`,
      });
      expect(replicaSets.items).toHaveLength(3);
    }
    // Children the killed process wrote were recognised as current, not rewritten.
    const updates = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'reason=Updated' });
    expect(updates.items).toEqual([]);
  });
});

describe('ImagePlatform operator resync', () => {
  const { ns, platforms } = operatorNamespace('imgp-resync', 'op-resync', {
    env: { OPERATOR_RESYNC_SECONDS: '2' },
  });

  const checksum = (d: V1Deployment) =>
    d.spec?.template.metadata?.annotations?.['enlarger.dev/config-checksum'];
  const deployment = (name: string) => apps.readNamespacedDeployment({ namespace: ns, name });

  it('rolls only the Deployment that reads a rotated Secret, though Secrets raise no event', async () => {
    await platforms.create(
      minimal('rotating', {
        ...oneReplicaEach,
        resizer: { replicas: 1, signingSecretRef: { name: 'photos-signing' } },
      }),
    );
    await platforms.waitReady('rotating', 1);
    const before = {
      resizer: await deployment('rotating-resizer'),
      media: await deployment('rotating-media'),
    };

    await core.replaceNamespacedSecret({
      namespace: ns,
      name: 'photos-signing',
      body: { metadata: { name: 'photos-signing' }, stringData: { keys: 'k2' } },
    });
    const resizer = await eventually(
      async () => {
        const d = await deployment('rotating-resizer');
        return checksum(d) !== checksum(before.resizer) && d;
      },
      { what: 'the resizer to roll after the signing key rotated', timeoutMs: 30_000 },
    );
    expect(resizer.metadata?.generation).toBe((before.resizer.metadata?.generation ?? 0) + 1);
    const media = await deployment('rotating-media');
    expect(media.metadata?.generation).toBe(before.media.metadata?.generation);
    expect(checksum(media)).toBe(checksum(before.media));
  });
});
