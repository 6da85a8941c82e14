import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../api/fixture.js';
import { buildServiceAccount } from './service-account.js';

describe('ServiceAccount builder', () => {
  it('builds the ServiceAccount the platform asks the operator to create, with its cloud role annotation', () => {
    const cr = samplePlatform({
      serviceAccount: {
        create: true,
        annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/photos' },
        labels: { team: 'media' },
      },
    });
    expect(buildServiceAccount(cr)).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'photos-enlarger',
        namespace: 'media-team',
        labels: {
          team: 'media',
          'app.kubernetes.io/name': 'enlarger',
          'app.kubernetes.io/instance': 'photos',
          'app.kubernetes.io/managed-by': 'enlarger-operator',
        },
        annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/photos' },
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
      automountServiceAccountToken: false,
    });
  });

  it('creates none for a named existing ServiceAccount or none at all', () => {
    expect(buildServiceAccount(samplePlatform({ serviceAccount: { name: 'photos-s3' } }))).toBeUndefined();
    expect(buildServiceAccount(samplePlatform())).toBeUndefined();
    expect(
      buildServiceAccount(samplePlatform({ serviceAccount: { name: 'mine', create: true } }))?.metadata.name,
    ).toBe('mine');
  });
});
