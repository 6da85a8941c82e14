import { describe, expect, it } from 'vitest';
import { component } from '../api/components/index.js';
import { samplePlatform } from '../api/fixture.js';
import type { Component } from '../api/names.js';
import { buildNetworkPolicy } from './network-policy.js';

const ingressController = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
};
const prometheus = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
};
const operator = {
  namespaceSelector: {},
  podSelector: {
    matchLabels: { 'app.kubernetes.io/name': 'enlarger', 'app.kubernetes.io/component': 'operator' },
  },
};

const build = (networkPolicy: Record<string, unknown>, name: Component) => {
  const cr = samplePlatform({ networkPolicy });
  return buildNetworkPolicy(cr, component(cr, name));
};

describe('NetworkPolicy builder', () => {
  it('opens the public port to the API clients and the admin port to the operator and Prometheus, egress open', () => {
    expect(
      build({ enabled: true, apiFrom: [ingressController], metricsFrom: [prometheus] }, 'resizer'),
    ).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
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
        podSelector: {
          matchLabels: {
            'app.kubernetes.io/name': 'enlarger',
            'app.kubernetes.io/instance': 'photos',
            'app.kubernetes.io/component': 'resizer',
          },
        },
        policyTypes: ['Ingress'],
        ingress: [
          { _from: [ingressController], ports: [{ protocol: 'TCP', port: 'http' }] },
          { _from: [operator, prometheus], ports: [{ protocol: 'TCP', port: 'admin' }] },
        ],
      },
    });
  });

  it('gives the converter only the admin rule, leaves out a rule with no peers, and restricts egress when given', () => {
    const egress = [{ ports: [{ port: 53, protocol: 'UDP' }] }];
    expect(build({ enabled: true, apiFrom: [ingressController], egress }, 'converter')?.spec).toMatchObject({
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ _from: [operator], ports: [{ protocol: 'TCP', port: 'admin' }] }],
      egress,
    });
    // No apiFrom: a rule without peers would admit everyone, so there is none and the API port is closed.
    expect(build({ enabled: true }, 'media')?.spec?.ingress).toEqual([
      { _from: [operator], ports: [{ protocol: 'TCP', port: 'admin' }] },
    ]);
    expect(build({}, 'media')).toBeUndefined();
  });
});
