import { describe, expect, it } from 'vitest';
import { samplePlatform, sampleSecrets } from '../api/fixture.js';
import { component } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { build as buildConfigMap } from './configmap.js';
import { buildDeployment } from './deployment.js';

const build = (
  cr: ImagePlatform,
  secrets = sampleSecrets,
  name: 'media' | 'converter' | 'resizer' = 'resizer',
) => buildDeployment(cr, component(cr, name), secrets);

const selector = {
  'app.kubernetes.io/name': 'enlarger',
  'app.kubernetes.io/instance': 'photos',
  'app.kubernetes.io/component': 'resizer',
};

describe('Deployment builder', () => {
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
                'b49b4482b6b1b6566d7199ea7f838415b8fd1368ec56c92262bbd3914ac00808',
              'prometheus.io/scrape': 'true',
              'prometheus.io/port': '9090',
              'prometheus.io/path': '/metrics',
            },
          },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // 5 s out of the endpoints, the 10 s deadline, 5 s to exit.
            terminationGracePeriodSeconds: 20,
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: selector },
                matchLabelKeys: ['pod-template-hash'],
              },
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: selector },
                matchLabelKeys: ['pod-template-hash'],
              },
            ],
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
                ports: [
                  { name: 'http', containerPort: 8080, protocol: 'TCP' },
                  { name: 'admin', containerPort: 9090, protocol: 'TCP' },
                ],
                envFrom: [{ configMapRef: { name: 'photos-config' } }],
                env: [
                  { name: 'SIGNING_KEYS', valueFrom: { secretKeyRef: { name: 'signing', key: 'keys' } } },
                ],
                resources: { requests: { cpu: '1' } },
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'admin' },
                  periodSeconds: 10,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'admin' },
                  periodSeconds: 5,
                  timeoutSeconds: 2,
                  failureThreshold: 3,
                },
                lifecycle: { preStop: { sleep: { seconds: 5 } } },
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

  it('gives the converter no public port, only the admin port its probes use', () => {
    const container = build(samplePlatform(), sampleSecrets, 'converter').spec.template.spec!.containers[0]!;
    expect(container.ports).toEqual([{ name: 'admin', containerPort: 9090, protocol: 'TCP' }]);
    expect(container.env).toEqual([
      { name: 'MALLOC_ARENA_MAX', value: '2' },
      { name: 'MALLOC_MMAP_THRESHOLD_', value: '4194304' },
      { name: 'AMQP_URL', valueFrom: { secretKeyRef: { name: 'amqp', key: 'url' } } },
    ]);
  });

  it("keeps the converter's malloc settings out of the ConfigMap the other components load", () => {
    const config = buildConfigMap(samplePlatform());
    expect(Object.keys(config.data ?? {}).filter((name) => name.startsWith('MALLOC_'))).toEqual([]);
  });

  it('leaves the converter replicas to the autoscaler when its autoscaling is on', () => {
    const on = samplePlatform({ converter: { replicas: 3, autoscaling: { enabled: true, minReplicas: 0 } } });
    expect(build(on, sampleSecrets, 'converter').spec.replicas).toBeUndefined();
    expect(
      build(samplePlatform({ converter: { replicas: 3 } }), sampleSecrets, 'converter').spec.replicas,
    ).toBe(3);
  });
});
