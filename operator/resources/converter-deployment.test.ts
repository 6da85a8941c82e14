import { describe, expect, it } from 'vitest';
import { samplePlatform, sampleSecrets } from '../api/fixture.js';
import { build } from './converter-deployment.js';

describe('converter Deployment builder', () => {
  it('builds the full Deployment', () => {
    const cr = samplePlatform({
      image: { repository: 'registry.local/enlarger', tag: 'dev', pullPolicy: 'Always' },
      storage: { bucket: 'photos', credentialsSecretRef: { name: 's3' } },
      converter: { replicas: 3 },
    });
    expect(build(cr, sampleSecrets)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'photos-converter',
        namespace: 'media-team',
        labels: {
          'app.kubernetes.io/name': 'enlarger',
          'app.kubernetes.io/instance': 'photos',
          'app.kubernetes.io/component': 'converter',
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
        replicas: 3,
        revisionHistoryLimit: 3,
        selector: {
          matchLabels: {
            'app.kubernetes.io/name': 'enlarger',
            'app.kubernetes.io/instance': 'photos',
            'app.kubernetes.io/component': 'converter',
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: {
            labels: {
              'app.kubernetes.io/name': 'enlarger',
              'app.kubernetes.io/instance': 'photos',
              'app.kubernetes.io/component': 'converter',
              'app.kubernetes.io/managed-by': 'enlarger-operator',
            },
            annotations: {
              'enlarger.dev/config-checksum':
                '65cc4a52bdae9ce7501ad27948e937eed68d7ce64c88710f480d055d51b72a27',
              'prometheus.io/scrape': 'true',
              'prometheus.io/port': '8080',
              'prometheus.io/path': '/metrics',
            },
          },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 120,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'converter',
                image: 'registry.local/enlarger:dev',
                imagePullPolicy: 'Always',
                args: ['converter'],
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                envFrom: [{ configMapRef: { name: 'photos-config' } }],
                env: [
                  { name: 'CONVERTER_PORT', value: '8080' },
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
                resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } },
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
