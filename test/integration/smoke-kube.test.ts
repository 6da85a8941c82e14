import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../support/env.js';
import { statusOf, testKubeConfig, withNamespace } from '../support/cluster.js';
import { eventually } from '../support/wait.js';

// Proves the control plane is real: the scheduler and kwok make pods ready,
// the apiserver evaluates CEL, and the controller-manager collects garbage.
describe('Kubernetes control plane (smoke)', () => {
  const kc = testKubeConfig();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const ns = uniqueName('smoke');
  let dropNamespace: () => Promise<void>;

  beforeAll(async () => {
    dropNamespace = await withNamespace(kc, ns);
  });
  afterAll(async () => {
    await dropNamespace();
  });

  it('runs a 2-replica Deployment to readyReplicas == 2 on the kwok node', async () => {
    const labels = { app: 'smoke' };
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'smoke' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'app', image: 'registry.invalid/smoke:1' }] },
          },
        },
      },
    });
    const ready = await eventually(
      async () => {
        const d = await apps.readNamespacedDeployment({ name: 'smoke', namespace: ns });
        return d.status?.readyReplicas === 2 ? d : undefined;
      },
      { timeoutMs: 90_000, what: 'deployment readyReplicas == 2' },
    );
    expect(ready.status?.readyReplicas).toBe(2);
    const pods = await core.listNamespacedPod({ namespace: ns });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(['Running', 'Running']);
  });

  it('refuses an object that breaks a CEL x-kubernetes-validations rule', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    const group = `${uniqueName('smoke')}.enlarger.dev`;
    const plural = 'ranges';
    const crdName = `${plural}.${group}`;
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: crdName },
        spec: {
          group,
          scope: 'Namespaced',
          names: { plural, singular: 'range', kind: 'Range' },
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: 'object',
                  properties: {
                    spec: {
                      type: 'object',
                      properties: { min: { type: 'integer' }, max: { type: 'integer' } },
                      x_kubernetes_validations: [
                        { rule: 'self.min <= self.max', message: 'min must not exceed max' },
                      ],
                    },
                  },
                },
              },
            },
          ],
        },
      },
    });
    try {
      const custom = kc.makeApiClient(k8s.CustomObjectsApi);
      const create = (min: number, max: number, name: string) =>
        custom.createNamespacedCustomObject({
          group,
          version: 'v1',
          namespace: ns,
          plural,
          body: { apiVersion: `${group}/v1`, kind: 'Range', metadata: { name }, spec: { min, max } },
        });
      // The CRD takes a moment to be served after it is established.
      await eventually(() => create(1, 2, 'valid').then(() => true), { what: 'the CRD to be served' });
      const refusal: unknown = await create(5, 1, 'invalid').then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(statusOf(refusal)).toBe(422);
      expect(String((refusal as k8s.ApiException<unknown>).body)).toContain('min must not exceed max');
    } finally {
      await ext.deleteCustomResourceDefinition({ name: crdName });
    }
  });

  it('garbage-collects a dependent when its owner is deleted', async () => {
    const owner = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'owner' } },
    });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: {
          name: 'dependent',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ name: 'owner', namespace: ns });
    await eventually(
      () =>
        core.readNamespacedConfigMap({ name: 'dependent', namespace: ns }).then(
          () => false,
          (err: unknown) => statusOf(err) === 404,
        ),
      { timeoutMs: 60_000, what: 'the dependent to be garbage-collected' },
    );
  });
});
