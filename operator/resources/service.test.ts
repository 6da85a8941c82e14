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
});
