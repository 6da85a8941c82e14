import { NetworkingV1Api, PolicyV1Api, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { kubeClients } from '../support/kube-operator.js';
import { operatorNamespace } from '../support/operator-namespace.js';
import { condition, minimal } from '../support/platforms.js';
import { eventually } from '../support/wait.js';

const { kc, core, apps } = kubeClients();
const policy = kc.makeApiClient(PolicyV1Api);
const networking = kc.makeApiClient(NetworkingV1Api);

const roleArn = 'arn:aws:iam::111122223333:role/photos-s3';

/** What issue 19 asks a production platform to carry: cloud identity, placement, an override. */
const placed = minimal('placed', {
  serviceAccount: { create: true, annotations: { 'eks.amazonaws.com/role-arn': roleArn } },
  pod: {
    // The kwok node's own labels, so the pods still land and "run".
    nodeSelector: { type: 'kwok' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'images', effect: 'NoSchedule' }],
    podLabels: { team: 'media' },
    podAnnotations: { 'example.com/scrape-logs': 'true' },
  },
  resizer: {
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] },
          ],
        },
      },
    },
    override: {
      deployment: {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'resizer',
                  env: [{ name: 'NODE_OPTIONS', value: '--max-semi-space-size=64' }],
                  volumeMounts: [{ name: 'brand', mountPath: '/brand', readOnly: true }],
                },
                { name: 'log-shipper', image: 'example.com/fluent-bit:3', args: ['--dry-run'] },
              ],
              volumes: [{ name: 'brand', emptyDir: {} }],
            },
          },
        },
      },
      service: { metadata: { annotations: { 'example.com/origin': 'cdn' } } },
    },
  },
  networkPolicy: { enabled: true, apiFrom: [{ namespaceSelector: { matchLabels: { ingress: 'true' } } }] },
});

describe('ImagePlatform on a managed cluster: identity, placement, budgets, policy, override', () => {
  const { ns, platforms } = operatorNamespace('imgp-place', 'op-place');
  const pods = async (component: string) =>
    (
      await core.listNamespacedPod({
        namespace: ns,
        labelSelector: `app.kubernetes.io/instance=placed,app.kubernetes.io/component=${component}`,
      })
    ).items.filter((p) => !p.metadata?.deletionTimestamp);

  it('renders every field onto running pods, with a ServiceAccount, budgets and policies it owns', async () => {
    await platforms.create(placed);
    const platform = await platforms.waitReady('placed', 1, 90_000);
    const uid = platform.metadata?.uid;

    const account = await core.readNamespacedServiceAccount({ namespace: ns, name: 'placed-enlarger' });
    expect(account.metadata?.annotations?.['eks.amazonaws.com/role-arn']).toBe(roleArn);
    expect(account.metadata?.ownerReferences?.[0]?.uid).toBe(uid);
    expect(account.automountServiceAccountToken).toBe(false);

    for (const component of ['media', 'converter', 'resizer']) {
      const running = await pods(component);
      expect(running.length).toBeGreaterThan(0);
      for (const pod of running) {
        expect(pod.status?.phase).toBe('Running');
        expect(pod.spec).toMatchObject({
          serviceAccountName: 'placed-enlarger',
          automountServiceAccountToken: false,
          nodeSelector: { type: 'kwok' },
          tolerations: expect.arrayContaining([
            { key: 'dedicated', operator: 'Equal', value: 'images', effect: 'NoSchedule' },
          ]) as unknown,
        });
        expect(pod.metadata?.labels?.team).toBe('media');
        expect(pod.metadata?.annotations?.['example.com/scrape-logs']).toBe('true');
        // No API token: the admission plugin adds no projected token volume.
        expect(pod.spec?.volumes?.some((v) => v.name.startsWith('kube-api-access'))).toBe(false);
      }
    }

    const resizer = (await pods('resizer'))[0] as V1Pod;
    expect(
      resizer.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
    ).toBeDefined();
    expect(resizer.spec?.topologySpreadConstraints?.map((c) => c.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
    expect(resizer.spec?.containers.map((c) => c.name)).toEqual(['resizer', 'log-shipper']);
    const [main] = resizer.spec!.containers;
    expect(main?.env).toContainEqual({ name: 'NODE_OPTIONS', value: '--max-semi-space-size=64' });
    expect(main?.volumeMounts).toContainEqual({ name: 'brand', mountPath: '/brand', readOnly: true });
    expect(main?.lifecycle?.preStop?.sleep?.seconds).toBe(5);
    expect(resizer.spec?.terminationGracePeriodSeconds).toBe(20);
    const service = await core.readNamespacedService({ namespace: ns, name: 'placed-resizer' });
    expect(service.metadata?.annotations?.['example.com/origin']).toBe('cdn');

    const budgets = (await policy.listNamespacedPodDisruptionBudget({ namespace: ns })).items;
    expect(budgets.map((b) => [b.metadata?.name, b.spec?.maxUnavailable]).sort()).toEqual([
      ['placed-media', 1],
      ['placed-resizer', 1],
    ]);
    const policies = (await networking.listNamespacedNetworkPolicy({ namespace: ns })).items;
    expect(policies.map((p) => p.metadata?.name).sort()).toEqual([
      'placed-converter',
      'placed-media',
      'placed-resizer',
    ]);

    // The budgets' own status reaches kubectl get -o wide once the disruption controller counted the pods.
    await eventually(
      async () => {
        const p = (await platforms.get('placed')) as { status?: { placement?: { budgets: string } } };
        return p.status?.placement?.budgets === 'media=1/2 resizer=1/2';
      },
      { what: 'budgets in status.placement' },
    );
  });

  it('deletes the budget when the resizer drops to one replica, rolling no other component', async () => {
    const media = await apps.readNamespacedDeployment({ namespace: ns, name: 'placed-media' });
    await platforms.patch('placed', [{ op: 'add', path: '/spec/resizer/replicas', value: 1 }]);
    await platforms.waitReady('placed', 2, 90_000);
    await eventually(
      async () => {
        const names = (await policy.listNamespacedPodDisruptionBudget({ namespace: ns })).items.map(
          (b) => b.metadata?.name,
        );
        return names.length === 1 && names[0] === 'placed-media';
      },
      { what: 'only the media budget left' },
    );
    const after = await apps.readNamespacedDeployment({ namespace: ns, name: 'placed-media' });
    expect(after.metadata?.generation).toBe(media.metadata?.generation);
  });

  it('rolls only the component whose placement changed', async () => {
    const generations = async () =>
      Object.fromEntries(
        await Promise.all(
          ['media', 'converter', 'resizer'].map(async (c) => {
            const d = await apps.readNamespacedDeployment({ namespace: ns, name: `placed-${c}` });
            return [c, d.metadata?.generation] as const;
          }),
        ),
      );
    const before = await generations();
    await platforms.patch('placed', [
      { op: 'add', path: '/spec/resizer/tolerations', value: [{ key: 'spot', operator: 'Exists' }] },
    ]);
    await platforms.waitReady('placed', 3, 90_000);
    const after = await generations();
    expect(after).toEqual({ ...before, resizer: (before.resizer ?? 0) + 1 });
  });

  it('refuses an override with a field the Kubernetes API lacks, and recovers when it is removed', async () => {
    const resizer = await apps.readNamespacedDeployment({ namespace: ns, name: 'placed-resizer' });
    await platforms.patch('placed', [
      {
        op: 'add',
        path: '/spec/resizer/override/deployment/spec/template/spec/nodeSelecter',
        value: { pool: 'images' },
      },
    ]);
    const degraded = await eventually(
      async () => {
        const c = condition(await platforms.get('placed'), 'Degraded');
        return c?.status === 'True' && c;
      },
      { what: 'Degraded after an override typo' },
    );
    expect(degraded.reason).toBe('InvalidOverride');
    expect((degraded as { message?: string }).message).toContain('spec.template.spec.nodeSelecter');
    const refused = await apps.readNamespacedDeployment({ namespace: ns, name: 'placed-resizer' });
    expect(refused.metadata?.generation).toBe(resizer.metadata?.generation);

    await platforms.patch('placed', [
      { op: 'remove', path: '/spec/resizer/override/deployment/spec/template/spec/nodeSelecter' },
    ]);
    await platforms.waitReady('placed', 5, 90_000);
  });

  it('has the apiserver judge an override in a dry-run, applying nothing when it is refused', async () => {
    const resizer = await apps.readNamespacedDeployment({ namespace: ns, name: 'placed-resizer' });
    await platforms.patch('placed', [
      {
        op: 'add',
        path: '/spec/resizer/override/deployment/spec/template/spec/containers/0/imagePullPolicy',
        value: 'Sometimes',
      },
      { op: 'add', path: '/spec/media/replicas', value: 3 },
    ]);
    const degraded = await eventually(
      async () => {
        const p = await platforms.get('placed');
        const c = condition(p, 'Degraded');
        return c?.status === 'True' && c;
      },
      { what: 'Degraded after a refused override' },
    );
    expect(degraded.reason).toBe('InvalidChild');
    // Nothing was applied: not the resizer, and not the media change that came with it.
    const media = await apps.readNamespacedDeployment({ namespace: ns, name: 'placed-media' });
    expect(media.spec?.replicas).toBe(2);
    const after = await apps.readNamespacedDeployment({ namespace: ns, name: 'placed-resizer' });
    expect(after.metadata?.generation).toBe(resizer.metadata?.generation);
  });

  it('reports a named ServiceAccount that does not exist, and runs as it once it does', async () => {
    await platforms.create(minimal('named', { serviceAccount: { name: 'photos-irsa' } }));
    const degraded = await eventually(
      async () => {
        const c = condition(await platforms.get('named'), 'Degraded');
        return c?.status === 'True' && c;
      },
      { what: 'Degraded for a missing ServiceAccount' },
    );
    expect(degraded.reason).toBe('ServiceAccountNotFound');
    expect(condition(await platforms.get('named'), 'Ready')?.status).toBe('False');
    const deployments = await apps.listNamespacedDeployment({
      namespace: ns,
      labelSelector: 'app.kubernetes.io/instance=named',
    });
    expect(deployments.items).toEqual([]);

    // Not watched, like Secrets: the operator looks again within its recheck interval (30 s).
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'photos-irsa' } } });
    await platforms.waitReady('named', 1, 90_000);
    const media = await apps.readNamespacedDeployment({ namespace: ns, name: 'named-media' });
    expect(media.spec?.template.spec?.serviceAccountName).toBe('photos-irsa');
    // The operator never owns, and so never prunes, an account it was only told to use.
    const account = await core.readNamespacedServiceAccount({ namespace: ns, name: 'photos-irsa' });
    expect(account.metadata?.ownerReferences).toBeUndefined();
  });
});
