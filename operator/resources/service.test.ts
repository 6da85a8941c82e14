import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../api/fixture.js';
import * as mediaService from './media-service.js';
import * as resizerService from './resizer-service.js';

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

describe('Service builders', () => {
  it('builds the media Service', () => {
    expect(mediaService.build(samplePlatform())).toEqual(expected('media'));
  });

  it('builds the resizer Service', () => {
    expect(resizerService.build(samplePlatform())).toEqual(expected('resizer'));
  });
});
