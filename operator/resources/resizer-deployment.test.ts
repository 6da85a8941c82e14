import { describe, expect, it } from 'vitest';
import { samplePlatform, sampleSecrets } from '../api/fixture.js';
import { build } from './resizer-deployment.js';

describe('resizer Deployment builder', () => {
  it('builds the full Deployment, without replicas while autoscaling is enabled', () => {
    const cr = samplePlatform({
      resizer: {
        replicas: 4,
        autoscaling: { enabled: true },
        signingSecretRef: { name: 'signing' },
        resources: { requests: { cpu: 1 } },
      },
    });
    expect(build(cr, sampleSecrets)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
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
        revisionHistoryLimit: 3,
        selector: {
          matchLabels: {
            'app.kubernetes.io/name': 'enlarger',
            'app.kubernetes.io/instance': 'photos',
            'app.kubernetes.io/component': 'resizer',
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: {
            labels: {
              'app.kubernetes.io/name': 'enlarger',
              'app.kubernetes.io/instance': 'photos',
              'app.kubernetes.io/component': 'resizer',
              'app.kubernetes.io/managed-by': 'enlarger-operator',
            },
            annotations: {
              'enlarger.dev/config-checksum':
                'cda675c3779df4531170e1d993de2349cfbeb2dcbfe0b93330cb7c839f8b6ba7',
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
                name: 'resizer',
                image: 'ghcr.io/enlarger/enlarger:0.1.0',
                imagePullPolicy: 'IfNotPresent',
                args: ['resizer'],
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                envFrom: [{ configMapRef: { name: 'photos-config' } }],
                env: [
                  { name: 'RESIZER_PORT', value: '8080' },
                  { name: 'SIGNING_KEYS', valueFrom: { secretKeyRef: { name: 'signing', key: 'keys' } } },
                ],
                resources: { requests: { cpu: '1' } },
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

  it('sets replicas when autoscaling is disabled', () => {
    expect(build(samplePlatform({ resizer: { replicas: 4 } }), sampleSecrets).spec.replicas).toBe(4);
  });
});
