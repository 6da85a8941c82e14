import { describe, expect, it } from 'vitest';
import { samplePlatform, sampleSecrets } from '../api/fixture.js';
import { build } from './media-deployment.js';

describe('media Deployment builder', () => {
  it('builds the full Deployment', () => {
    const cr = samplePlatform({ storage: { bucket: 'photos', credentialsSecretRef: { name: 's3' } } });
    expect(build(cr, sampleSecrets)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'photos-media',
        namespace: 'media-team',
        labels: {
          'app.kubernetes.io/name': 'enlarger',
          'app.kubernetes.io/instance': 'photos',
          'app.kubernetes.io/component': 'media',
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
        replicas: 2,
        revisionHistoryLimit: 3,
        selector: {
          matchLabels: {
            'app.kubernetes.io/name': 'enlarger',
            'app.kubernetes.io/instance': 'photos',
            'app.kubernetes.io/component': 'media',
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: {
            labels: {
              'app.kubernetes.io/name': 'enlarger',
              'app.kubernetes.io/instance': 'photos',
              'app.kubernetes.io/component': 'media',
              'app.kubernetes.io/managed-by': 'enlarger-operator',
            },
            annotations: {
              'enlarger.dev/config-checksum':
                '36b39677bc3fe4090db46f8b5ea53deb2f52b652c39bd343731619df9a67fbfb',
              'prometheus.io/scrape': 'true',
              'prometheus.io/port': '8080',
              'prometheus.io/path': '/metrics',
            },
          },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 30,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'media',
                image: 'ghcr.io/enlarger/enlarger:0.1.0',
                imagePullPolicy: 'IfNotPresent',
                args: ['media'],
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                envFrom: [{ configMapRef: { name: 'photos-config' } }],
                env: [
                  { name: 'MEDIA_PORT', value: '8080' },
                  {
                    name: 'S3_ACCESS_KEY_ID',
                    valueFrom: { secretKeyRef: { name: 's3', key: 'accessKeyId' } },
                  },
                  {
                    name: 'S3_SECRET_ACCESS_KEY',
                    valueFrom: { secretKeyRef: { name: 's3', key: 'secretAccessKey' } },
                  },
                  { name: 'AMQP_URL', valueFrom: { secretKeyRef: { name: 'amqp', key: 'url' } } },
                ],
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'http' },
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'http' },
                  periodSeconds: 5,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
  });
});
