import { Watch, type V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { kubeClients } from '../support/kube-operator.js';
import { minimal } from '../support/platforms.js';
import { operatorNamespace } from '../support/operator-namespace.js';
import { eventually } from '../support/wait.js';

// Who owns a running Deployment's `spec.replicas` when autoscaling is switched
// on or off, on the real apiserver. No pod answers a scrape here, so the
// autoscaler holds whatever count it finds: any change seen is the handover's.
const { kc, apps } = kubeClients();

/** The field managers owning `spec.replicas` of a Deployment. */
const replicasOwners = (d: V1Deployment) =>
  (d.metadata?.managedFields ?? [])
    .filter((m) => {
      const spec = (m.fieldsV1 as Record<string, Record<string, unknown>> | undefined)?.['f:spec'];
      return spec !== undefined && 'f:replicas' in spec;
    })
    .map((m) => m.manager);

describe('handing spec.replicas between the reconciler and the autoscaler, against a real apiserver', () => {
  const { ns, platforms } = operatorNamespace('imgp-handover', 'op-handover');

  const deployment = () => apps.readNamespacedDeployment({ namespace: ns, name: 'h-resizer' });

  it('keeps a running count when autoscaling is turned on, and hands spec.*.replicas back when it is turned off', async () => {
    await platforms.create(
      minimal('h', {
        media: { replicas: 0 },
        converter: { replicas: 0 },
        resizer: {
          replicas: 5,
          autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 10, intervalSeconds: 1 },
        },
      }),
    );
    await eventually(async () => (await deployment()).spec?.replicas === 5, { what: 'the resizer at 5' });

    // Every spec.replicas the apiserver holds from here on, as a watch sees it.
    const seen: number[] = [];
    const watch = await new Watch(kc).watch(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      { fieldSelector: 'metadata.name=h-resizer' },
      (_type: string, d: V1Deployment) => seen.push(d.spec?.replicas ?? -1),
      () => undefined,
    );
    try {
      await platforms.patch('h', [{ op: 'replace', path: '/spec/resizer/autoscaling/enabled', value: true }]);
      // The autoscaler's first decision on this Deployment: it cannot scrape, so it holds what it finds.
      await eventually(
        async () => {
          const { status } = (await platforms.get('h')) as {
            status?: { autoscaling?: { resizer?: { decision: string } } };
          };
          return status?.autoscaling?.resizer?.decision.endsWith('holding 5');
        },
        { what: 'the autoscaler holding 5', timeoutMs: 30_000 },
      );
    } finally {
      watch.abort();
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBe(5);
    expect(replicasOwners(await deployment())).toEqual(['enlarger-autoscaler']);

    await platforms.patch('h', [
      { op: 'replace', path: '/spec/resizer/autoscaling/enabled', value: false },
      { op: 'replace', path: '/spec/resizer/replicas', value: 3 },
    ]);
    const handedBack = await eventually(
      async () => {
        const d = await deployment();
        return d.spec?.replicas === 3 && d;
      },
      { what: 'spec.resizer.replicas back in charge' },
    );
    expect(replicasOwners(handedBack)).toEqual(['enlarger-operator']);
  });
});
