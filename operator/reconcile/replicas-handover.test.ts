import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { replicasToHandOver } from './replicas-handover.js';

const deployment = (spec: object, managedFields: object[] = []): KubernetesObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'p-resizer', namespace: 'n', managedFields },
    spec,
  }) as KubernetesObject;
const owns = (manager: string, operation: string, spec: object) => ({
  manager,
  operation,
  fieldsV1: { 'f:spec': spec },
});

describe('replicasToHandOver', () => {
  const autoscaled = deployment({ template: {} });

  it('hands over the live count the operator still owns when the desired object leaves replicas out', () => {
    const live = deployment({ replicas: 5 }, [
      owns('enlarger-operator', 'Apply', { 'f:replicas': {}, 'f:template': {} }),
    ]);
    expect(replicasToHandOver(autoscaled, live)).toBe(5);
  });

  it.each([
    ['nothing exists yet', autoscaled, undefined],
    [
      'the desired object sets replicas (autoscaling off)',
      deployment({ replicas: 3 }),
      deployment({ replicas: 5 }, [owns('enlarger-operator', 'Apply', { 'f:replicas': {} })]),
    ],
    [
      'the autoscaler owns them already',
      autoscaled,
      deployment({ replicas: 5 }, [
        owns('enlarger-operator', 'Apply', { 'f:template': {} }),
        owns('enlarger-autoscaler', 'Update', { 'f:replicas': {} }),
      ]),
    ],
    [
      'only an update (kubectl scale) by the same name owns them',
      autoscaled,
      deployment({ replicas: 5 }, [owns('enlarger-operator', 'Update', { 'f:replicas': {} })]),
    ],
  ])('hands nothing over when %s', (_what, desired, live) => {
    expect(replicasToHandOver(desired, live)).toBeUndefined();
  });

  it('ignores other kinds', () => {
    const service = { ...autoscaled, kind: 'Service' };
    const live = deployment({ replicas: 5 }, [owns('enlarger-operator', 'Apply', { 'f:replicas': {} })]);
    expect(replicasToHandOver(service, live)).toBeUndefined();
  });
});
