import { describe, expect, it } from 'vitest';
import { component } from '../api/components/index.js';
import { samplePlatform } from '../api/fixture.js';
import type { Component } from '../api/names.js';
import { buildPodDisruptionBudget } from './pod-disruption-budget.js';

const build = (spec: Record<string, unknown>, name: Component) => {
  const cr = samplePlatform(spec);
  return buildPodDisruptionBudget(cr, component(cr, name));
};

describe('PodDisruptionBudget builder', () => {
  it('builds the budget of a component with more than one replica: one pod at a time by default', () => {
    expect(build({}, 'resizer')).toEqual({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: {
        name: 'photos-resizer',
        namespace: 'media-team',
        labels: {
          'app.kubernetes.io/name': 'enlarger',
          'app.kubernetes.io/instance': 'photos',
          'app.kubernetes.io/component': 'resizer',
          'app.kubernetes.io/managed-by': 'enlarger-operator',
        },
        ownerReferences: [
          {
            apiVersion: 'enlarger.dev/v1alpha1',
            kind: 'ImagePlatform',
            name: 'photos',
            uid: 'uid-1',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        maxUnavailable: 1,
        selector: {
          matchLabels: {
            'app.kubernetes.io/name': 'enlarger',
            'app.kubernetes.io/instance': 'photos',
            'app.kubernetes.io/component': 'resizer',
          },
        },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  });

  it('takes maxUnavailable or minAvailable from the spec', () => {
    expect(
      build({ media: { podDisruptionBudget: { maxUnavailable: '50%' } } }, 'media')?.spec?.maxUnavailable,
    ).toBe('50%');
    const min = build({ media: { replicas: 3, podDisruptionBudget: { minAvailable: 2 } } }, 'media')?.spec;
    expect([min?.minAvailable, min?.maxUnavailable]).toEqual([2, undefined]);
  });

  it('makes none for one replica or a converter at 0, and one for an autoscaled component that may grow', () => {
    expect(build({ resizer: { replicas: 1 } }, 'resizer')).toBeUndefined();
    expect(build({ converter: { replicas: 0 } }, 'converter')).toBeUndefined();
    expect(build({}, 'converter')).toBeUndefined();
    const autoscaled = { resizer: { autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 4 } } };
    expect(build(autoscaled, 'resizer')?.spec?.maxUnavailable).toBe(1);
    const scaleToZero = { converter: { autoscaling: { enabled: true, minReplicas: 0, maxReplicas: 3 } } };
    expect(build(scaleToZero, 'converter')?.metadata.name).toBe('photos-converter');
  });
});
