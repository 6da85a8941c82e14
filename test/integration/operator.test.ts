import { ApiException, type KubernetesObject, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withNamespace } from '../support/cluster.js';
import { uniqueName } from '../support/env.js';
import { installCrds, kubeClients, startOperator, type OperatorProcess } from '../support/kube-operator.js';
import { condition, createSecrets, minimal, platformsIn, sample } from '../support/platforms.js';
import { operatorNamespace } from '../support/operator-namespace.js';
import { eventually } from '../support/wait.js';

const { kc, core, apps, custom, coordination } = kubeClients();

const deployment = (namespace: string, name: string) => apps.readNamespacedDeployment({ namespace, name });

describe('ImagePlatform CRD validation', () => {
  const ns = uniqueName('imgp-invalid');
  let dropNamespace: () => Promise<void>;
  beforeAll(async () => {
    await installCrds();
    dropNamespace = await withNamespace(kc, ns);
  });
  afterAll(() => dropNamespace());

  const base = minimal('x').spec;
  // Schema and CEL violations are 422 Invalid; strict field validation answers 400 BadRequest.
  const cases: Array<[string, Record<string, unknown>, RegExp, number?]> = [
    ['a missing bucket', { storage: {} }, /spec\.storage\.bucket: Required value/],
    [
      'minReplicas > maxReplicas',
      { resizer: { autoscaling: { minReplicas: 5, maxReplicas: 2 } } },
      /minReplicas must be less than or equal to maxReplicas/,
    ],
    [
      'converter minReplicas > maxReplicas while autoscaling',
      { converter: { autoscaling: { enabled: true, minReplicas: 4, maxReplicas: 2 } } },
      /spec\.converter: Invalid value.*autoscaling\.minReplicas must be less than or equal to autoscaling\.maxReplicas/,
    ],
    [
      'a resizer targetQueueDepth a pod can never reach (>= queueSize)',
      { resizer: { queueSize: 4, autoscaling: { enabled: true, targetQueueDepth: 4 } } },
      /spec\.resizer: Invalid value.*autoscaling\.targetQueueDepth must be below queueSize/,
    ],
    [
      'duplicate size names',
      {
        converter: {
          sizes: [
            { name: 'a', width: 10 },
            { name: 'a', width: 20 },
          ],
        },
      },
      /size names must be unique/,
    ],
    [
      'quality above 100',
      { converter: { master: { quality: 101 } } },
      /spec\.converter\.master\.quality.*less than or equal to 100/,
    ],
    [
      'quality below 1',
      { converter: { sizes: [{ name: 'a', width: 10, quality: 0 }] } },
      /sizes\[0\]\.quality.*greater than or equal to 1/,
    ],
    [
      'opacity above 1',
      { resizer: { watermark: { attribution: 'x', opacity: 1.5 } } },
      /watermark\.opacity.*less than or equal to 1/,
    ],
    ['negative replicas', { media: { replicas: -1 } }, /spec\.media\.replicas.*greater than or equal to 0/],
    [
      'a width of 0',
      { converter: { sizes: [{ name: 'a', width: 0 }] } },
      /sizes\[0\]\.width.*greater than or equal to 1/,
    ],
    ['unknown fields', { colour: 'blue' }, /unknown field "spec\.colour"/, 400],
  ];

  // The converter and queue-depth rules bind only while autoscaling is on: the same limits are fine when off.
  it.each([
    [
      'converter minReplicas > maxReplicas',
      { converter: { autoscaling: { minReplicas: 4, maxReplicas: 2 } } },
    ],
    ['targetQueueDepth >= queueSize', { resizer: { queueSize: 4, autoscaling: { targetQueueDepth: 4 } } }],
  ])('accepts %s while autoscaling is off', async (_what, override) => {
    const created = (await platformsIn(custom, ns).create({
      ...minimal(uniqueName('off')),
      spec: { ...base, ...override },
    })) as KubernetesObject;
    expect(created.metadata?.uid).toBeTruthy();
  });

  it.each(cases)('refuses %s', async (_what, override, message, code = 422) => {
    const err = await platformsIn(custom, ns)
      .create({
        ...minimal(uniqueName('bad')),
        spec: { ...base, ...override },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ApiException);
    expect((err as ApiException<string>).code).toBe(code);
    // The apiserver's Status.message is what kubectl prints.
    expect((JSON.parse(String((err as ApiException<string>).body)) as { message: string }).message).toMatch(
      message,
    );
  });
});

describe('ImagePlatform operator', () => {
  const { ns, platforms } = operatorNamespace('imgp', 'op-main');

  it('creates every child from the sample and reports Ready once kwok readies the pods', async () => {
    await platforms.create(sample);
    const platform = await platforms.waitReady('photos', 1);

    expect(platform.status).toMatchObject({
      components: {
        media: { desired: 2, ready: 2, updated: 2, display: '2/2' },
        converter: { desired: 1, ready: 1, updated: 1, display: '1/1' },
        resizer: { desired: 2, ready: 2, updated: 2, display: '2/2' },
      },
    });
    for (const type of ['Progressing', 'Degraded']) expect(condition(platform, type)?.status).toBe('False');
    const uid = platform.metadata?.uid;
    const owned = (obj: KubernetesObject) => obj.metadata?.ownerReferences?.[0]?.uid === uid;
    const deployments = (await apps.listNamespacedDeployment({ namespace: ns })).items;
    expect(
      deployments
        .filter(owned)
        .map((d) => d.metadata?.name)
        .sort(),
    ).toEqual(['photos-converter', 'photos-media', 'photos-resizer']);
    const services = (await core.listNamespacedService({ namespace: ns })).items;
    expect(
      services
        .filter(owned)
        .map((s) => s.metadata?.name)
        .sort(),
    ).toEqual(['photos-media', 'photos-resizer']);
    const config = await core.readNamespacedConfigMap({ namespace: ns, name: 'photos-config' });
    expect(config.data).toMatchObject({ S3_BUCKET: 'photos', QUEUE_NAME: 'enlarger.convert' });

    const events = await eventually(
      async () => {
        const list = await core.listNamespacedEvent({
          namespace: ns,
          fieldSelector: 'involvedObject.name=photos',
        });
        // Six children, and the disruption budgets of media and the resizer (two replicas each).
        return list.items.filter((e) => e.reason === 'Created').length === 8 && list.items;
      },
      { what: 'eight Created events' },
    );
    // The sample is signed but leaves uploads open (its keys are commented out): that, and only that, warns.
    expect(events.filter((e) => e.type !== 'Normal').map((e) => e.reason)).toEqual(['NoUploadKey']);
  });

  it('rolls only the Deployments whose config changed', async () => {
    const checksum = (d: V1Deployment) =>
      d.spec?.template.metadata?.annotations?.['enlarger.dev/config-checksum'];
    const before = {
      media: await deployment(ns, 'photos-media'),
      converter: await deployment(ns, 'photos-converter'),
    };
    await platforms.patch('photos', [{ op: 'replace', path: '/spec/converter/master/quality', value: 70 }]);
    await platforms.waitReady('photos', 2);
    const converter = await deployment(ns, 'photos-converter');
    expect(checksum(converter)).not.toBe(checksum(before.converter));
    expect(converter.metadata?.generation).toBeGreaterThan(before.converter.metadata?.generation ?? 0);
    const media = await deployment(ns, 'photos-media');
    expect(checksum(media)).toBe(checksum(before.media));
    expect(media.metadata?.generation).toBe(before.media.metadata?.generation);
    const config = await core.readNamespacedConfigMap({ namespace: ns, name: 'photos-config' });
    expect(config.data?.CONVERTER_MASTER_QUALITY).toBe('70');
  });

  it('puts back a deleted child', async () => {
    const old = await core.readNamespacedService({ namespace: ns, name: 'photos-resizer' });
    await core.deleteNamespacedService({ namespace: ns, name: 'photos-resizer' });
    await eventually(
      async () => {
        const svc = await core.readNamespacedService({ namespace: ns, name: 'photos-resizer' });
        return svc.metadata?.uid !== old.metadata?.uid;
      },
      { what: 'the resizer Service to be recreated', timeoutMs: 20_000 },
    );
  });

  it('reports a missing Secret as Degraded with one Warning event, and creates nothing', async () => {
    await platforms.create(minimal('orphan', { queue: { urlSecretRef: { name: 'nope' } } }));
    const platform = await eventually(
      async () => {
        const p = await platforms.get('orphan');
        return condition(p, 'Degraded')?.status === 'True' && p;
      },
      { what: 'orphan Degraded' },
    );
    expect(condition(platform, 'Degraded')?.reason).toBe('SecretNotFound');
    expect(condition(platform, 'Ready')).toMatchObject({ status: 'False', reason: 'SecretNotFound' });
    const deployments = await apps.listNamespacedDeployment({
      namespace: ns,
      labelSelector: 'app.kubernetes.io/instance=orphan',
    });
    expect(deployments.items).toEqual([]);
    // Reconciles triggered meanwhile must not repeat the Warning.
    await platforms.patch('orphan', [{ op: 'replace', path: '/spec/media/replicas', value: 3 }]);
    await eventually(async () => (await platforms.get('orphan')).status?.observedGeneration === 2, {
      what: 'generation 2 seen',
    });
    const warnings = await core.listNamespacedEvent({
      namespace: ns,
      fieldSelector: 'involvedObject.name=orphan,type=Warning',
    });
    // One each, not one per reconcile: the missing Secret, and that this platform serves unsigned URLs
    // and takes uploads without a token.
    expect(warnings.items.map((e) => e.reason).sort()).toEqual([
      'NoSigningKey',
      'NoUploadKey',
      'SecretNotFound',
    ]);
  });

  it('leaves a paused platform alone', async () => {
    await platforms.patch('photos', [{ op: 'replace', path: '/spec/paused', value: true }]);
    await eventually(
      async () => condition(await platforms.get('photos'), 'Progressing')?.reason === 'Paused',
      {
        what: 'Progressing=Paused',
      },
    );
    await core.deleteNamespacedService({ namespace: ns, name: 'photos-media' });
    await new Promise((r) => setTimeout(r, 2_000));
    const err = await core.readNamespacedService({ namespace: ns, name: 'photos-media' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as ApiException<unknown>).code).toBe(404);
  });

  it('lets the garbage collector remove the children with the platform', async () => {
    await platforms.delete('photos');
    await eventually(
      async () => {
        const left = await apps.listNamespacedDeployment({
          namespace: ns,
          labelSelector: 'app.kubernetes.io/instance=photos',
        });
        const cms = await core.listNamespacedConfigMap({
          namespace: ns,
          labelSelector: 'app.kubernetes.io/instance=photos',
        });
        return left.items.length === 0 && cms.items.length === 0;
      },
      { what: 'the children to be garbage-collected' },
    );
  });
});

describe('ImagePlatform operator leader election', () => {
  const ns = uniqueName('imgp-lease');
  const platforms = platformsIn(custom, ns);
  let dropNamespace: () => Promise<void>;
  const operators: OperatorProcess[] = [];

  beforeAll(async () => {
    await installCrds();
    dropNamespace = await withNamespace(kc, ns);
    await createSecrets(core, ns);
  });
  afterAll(async () => {
    await Promise.all(operators.map((o) => o.stop('SIGKILL')));
    await dropNamespace();
  });

  const holder = async () =>
    (await coordination.readNamespacedLease({ namespace: ns, name: 'enlarger-operator' })).spec
      ?.holderIdentity;

  it('runs exactly one leader, and the other takes over when it is killed', async () => {
    operators.push(startOperator(ns, 'op-a'), startOperator(ns, 'op-b'));
    const first = await eventually(async () => (await holder()) || undefined, { what: 'a lease holder' });
    const leader = operators.find((o) => first.startsWith(`${o.identity}_`))!;
    const standby = operators.find((o) => o !== leader)!;

    await platforms.create(minimal('one'));
    await platforms.waitReady('one', 1);
    const becameLeader = (o: OperatorProcess) => o.lines.filter((l) => l.includes('"became leader"')).length;
    const applied = (o: OperatorProcess) => o.lines.filter((l) => l.includes('"applied child"')).length;
    expect([becameLeader(leader), becameLeader(standby)]).toEqual([1, 0]);
    // Six children and the budgets of media and the resizer (two replicas each by default).
    expect(applied(leader)).toBe(8);
    expect(applied(standby)).toBe(0);

    await leader.stop('SIGKILL');
    await eventually(async () => (await holder())?.startsWith(`${standby.identity}_`), {
      what: 'the standby to take the lease',
      timeoutMs: 30_000,
    });
    await platforms.create(minimal('two'));
    await platforms.waitReady('two', 1);
    expect(applied(standby)).toBe(8);
  });
});
