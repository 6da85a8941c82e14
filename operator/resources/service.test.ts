import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../api/fixture.js';
import { component } from '../api/components/index.js';
import { buildService } from './service.js';

const expected = (component: 'media' | 'resizer') => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: `photos-${component}`,
    namespace: 'media-team',
    labels: {
      'app.kubernetes.io/name': 'enlarger',
      'app.kubernetes.io/instance': 'photos',
      'app.kubernetes.io/component': component,
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
    type: 'ClusterIP',
    selector: {
      'app.kubernetes.io/name': 'enlarger',
      'app.kubernetes.io/instance': 'photos',
      'app.kubernetes.io/component': component,
    },
    ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
  },
});

describe('Service builder', () => {
  it('builds the media Service', () => {
    const cr = samplePlatform();
    expect(buildService(cr, component(cr, 'media'))).toEqual(expected('media'));
  });

  it('builds the resizer Service', () => {
    const cr = samplePlatform();
    expect(buildService(cr, component(cr, 'resizer'))).toEqual(expected('resizer'));
  });
  it('builds a cloud load balancer with annotations and source ranges, and merges the override', () => {
    const cr = samplePlatform({
      resizer: {
        service: {
          type: 'LoadBalancer',
          annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external' },
          loadBalancerSourceRanges: ['203.0.113.0/24'],
        },
        override: {
          service: { spec: { externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30080 }] } },
        },
      },
    });
    const base = expected('resizer');
    expect(buildService(cr, component(cr, 'resizer'))).toEqual({
      ...base,
      metadata: {
        ...base.metadata,
        annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external' },
      },
      spec: {
        ...base.spec,
        type: 'LoadBalancer',
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', nodePort: 30080 }],
        loadBalancerSourceRanges: ['203.0.113.0/24'],
        externalTrafficPolicy: 'Local',
      },
    });
  });
});
