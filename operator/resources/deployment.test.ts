import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { samplePlatform, sampleSecrets } from '../api/fixture.js';
import { component } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { build as buildConfigMap } from './configmap.js';
import { CONFIG_CHECKSUM_ANNOTATION } from './checksum.js';
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
                '90ec3956a76490b4bf7aaa2491e1290a21c7c859ae9d632dae5d7a25d06ebcd3',
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
                image: `ghcr.io/enlarger/enlarger:${pkg.version}`,
                imagePullPolicy: 'IfNotPresent',
                args: ['resizer'],
                ports: [
                  { name: 'http', containerPort: 8080, protocol: 'TCP' },
                  { name: 'admin', containerPort: 9090, protocol: 'TCP' },
                ],
                envFrom: [{ configMapRef: { name: 'photos-config' } }],
                env: [
                  { name: 'MALLOC_ARENA_MAX', value: '2' },
                  { name: 'MALLOC_MMAP_THRESHOLD_', value: '4194304' },
                  { name: 'LD_PRELOAD', value: '/usr/local/lib/libjemalloc.so.2' },
                  {
                    name: 'MALLOC_CONF',
                    value: 'background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0',
                  },
                  { name: 'AMQP_URL', valueFrom: { secretKeyRef: { name: 'amqp', key: 'url' } } },
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

  it("gives media MEDIA_UPLOAD_KEYS from spec.media.uploadKeysSecretRef's Secret, and rolls it when the keys rotate", () => {
    const cr = samplePlatform({ media: { uploadKeysSecretRef: { name: 'uploads' } } });
    const media = build(cr, sampleSecrets, 'media');
    expect(media.spec.template.spec!.containers[0]!.env).toEqual([
      { name: 'MALLOC_ARENA_MAX', value: '2' },
      { name: 'MALLOC_MMAP_THRESHOLD_', value: '4194304' },
      { name: 'LD_PRELOAD', value: '/usr/local/lib/libjemalloc.so.2' },
      { name: 'MALLOC_CONF', value: 'background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0' },
      { name: 'AMQP_URL', valueFrom: { secretKeyRef: { name: 'amqp', key: 'url' } } },
      { name: 'MEDIA_UPLOAD_KEYS', valueFrom: { secretKeyRef: { name: 'uploads', key: 'keys' } } },
    ]);
    const rotated = {
      ...sampleSecrets,
      uploads: {
        ...sampleSecrets.uploads,
        data: { keys: Buffer.from('upload-key-3,upload-key-1').toString('base64') },
      },
    };
    const checksum = (secrets: typeof rotated | typeof sampleSecrets, name: 'media' | 'resizer') =>
      build(cr, secrets, name).spec.template.metadata!.annotations![CONFIG_CHECKSUM_ANNOTATION];
    expect(checksum(rotated, 'media')).not.toBe(checksum(sampleSecrets, 'media'));
    expect(checksum(rotated, 'resizer')).toBe(checksum(sampleSecrets, 'resizer'));
    // Without the field, media reads no keys: uploads are open.
    const open = build(samplePlatform(), sampleSecrets, 'media').spec.template.spec!.containers[0]!.env;
    expect(open?.map((e) => e.name)).not.toContain('MEDIA_UPLOAD_KEYS');
  });

  it("gives media MEDIA_ADMIN_KEYS from spec.media.adminKeysSecretRef's Secret, to no other component", () => {
    const cr = samplePlatform({ media: { adminKeysSecretRef: { name: 'admins' } } });
    const env = (name: 'media' | 'converter' | 'resizer') =>
      build(cr, sampleSecrets, name).spec.template.spec!.containers[0]!.env ?? [];
    expect(env('media')).toEqual([
      { name: 'MALLOC_ARENA_MAX', value: '2' },
      { name: 'MALLOC_MMAP_THRESHOLD_', value: '4194304' },
      { name: 'LD_PRELOAD', value: '/usr/local/lib/libjemalloc.so.2' },
      { name: 'MALLOC_CONF', value: 'background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0' },
      { name: 'AMQP_URL', valueFrom: { secretKeyRef: { name: 'amqp', key: 'url' } } },
      { name: 'MEDIA_ADMIN_KEYS', valueFrom: { secretKeyRef: { name: 'admins', key: 'keys' } } },
    ]);
    expect([...env('converter'), ...env('resizer')].map((e) => e.name)).not.toContain('MEDIA_ADMIN_KEYS');
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
      { name: 'LD_PRELOAD', value: '/usr/local/lib/libjemalloc.so.2' },
      { name: 'MALLOC_CONF', value: 'background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0' },
      { name: 'AMQP_URL', valueFrom: { secretKeyRef: { name: 'amqp', key: 'url' } } },
    ]);
  });

  it("reads the webhook's signing key from its Secret in media alone, the one component that relays events", () => {
    const cr = samplePlatform({
      events: { webhook: { url: 'https://site.example/hooks', secretRef: { name: 'webhook', key: 'hmac' } } },
    });
    const env = (name: 'media' | 'converter') =>
      build(cr, sampleSecrets, name).spec.template.spec!.containers[0]!.env ?? [];
    expect(env('media')).toEqual([
      { name: 'MALLOC_ARENA_MAX', value: '2' },
      { name: 'MALLOC_MMAP_THRESHOLD_', value: '4194304' },
      { name: 'LD_PRELOAD', value: '/usr/local/lib/libjemalloc.so.2' },
      { name: 'MALLOC_CONF', value: 'background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0' },
      { name: 'AMQP_URL', valueFrom: { secretKeyRef: { name: 'amqp', key: 'url' } } },
      { name: 'EVENTS_WEBHOOK_SECRET', valueFrom: { secretKeyRef: { name: 'webhook', key: 'hmac' } } },
    ]);
    expect(env('converter').map((e) => e.name)).not.toContain('EVENTS_WEBHOOK_SECRET');
  });

  it("keeps the allocator settings (jemalloc preloaded, glibc's as the fallback) on each container, out of the ConfigMap's settings that services parse", () => {
    const config = buildConfigMap(samplePlatform());
    expect(Object.keys(config.data ?? {}).filter((name) => name.startsWith('MALLOC_'))).toEqual([]);
    for (const component of ['media', 'converter', 'resizer'] as const) {
      const env = build(samplePlatform(), sampleSecrets, component).spec.template.spec!.containers[0]!.env;
      expect(env?.slice(0, 4)).toEqual([
        { name: 'MALLOC_ARENA_MAX', value: '2' },
        { name: 'MALLOC_MMAP_THRESHOLD_', value: '4194304' },
        { name: 'LD_PRELOAD', value: '/usr/local/lib/libjemalloc.so.2' },
        {
          name: 'MALLOC_CONF',
          value: 'background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0',
        },
      ]);
    }
  });

  it('leaves the converter replicas to the autoscaler when its autoscaling is on', () => {
    const on = samplePlatform({ converter: { replicas: 3, autoscaling: { enabled: true, minReplicas: 0 } } });
    expect(build(on, sampleSecrets, 'converter').spec.replicas).toBeUndefined();
    expect(
      build(samplePlatform({ converter: { replicas: 3 } }), sampleSecrets, 'converter').spec.replicas,
    ).toBe(3);
  });
  it('runs the pods as the platform ServiceAccount, placed by spec.pod with the component winning', () => {
    const cr = samplePlatform({
      serviceAccount: { create: true, automountServiceAccountToken: true },
      pod: {
        nodeSelector: { pool: 'general', arch: 'amd64' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'images', effect: 'NoSchedule' }],
        priorityClassName: 'platform',
        podLabels: { team: 'media', 'app.kubernetes.io/component': 'hijack' },
        podAnnotations: { 'sidecar.istio.io/inject': 'false' },
      },
      resizer: {
        nodeSelector: { pool: 'compute' },
        affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
        topologySpreadConstraints: [],
        podLabels: { tier: 'origin' },
      },
    });
    const { metadata, spec } = build(cr).spec.template;
    expect(metadata?.labels).toEqual({
      team: 'media',
      tier: 'origin',
      'app.kubernetes.io/name': 'enlarger',
      'app.kubernetes.io/instance': 'photos',
      'app.kubernetes.io/component': 'resizer',
      'app.kubernetes.io/managed-by': 'enlarger-operator',
    });
    expect(metadata?.annotations?.['sidecar.istio.io/inject']).toBe('false');
    expect(spec).toMatchObject({
      serviceAccountName: 'photos-enlarger',
      automountServiceAccountToken: true,
      priorityClassName: 'platform',
      nodeSelector: { pool: 'compute', arch: 'amd64' },
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'images', effect: 'NoSchedule' }],
    });
    // [] on the component turns the default spread off.
    expect(spec).not.toHaveProperty('topologySpreadConstraints');
    // The converter is not spread by default, and takes the platform's values as they are.
    const converter = build(cr, sampleSecrets, 'converter').spec.template.spec;
    expect([converter?.nodeSelector, converter?.topologySpreadConstraints]).toEqual([
      { pool: 'general', arch: 'amd64' },
      undefined,
    ]);
  });

  it('sizes the drain of each component from its own deadlines', () => {
    const drain = (name: 'media' | 'converter' | 'resizer') => {
      const pod = build(samplePlatform(), sampleSecrets, name).spec.template.spec!;
      return [pod.terminationGracePeriodSeconds, pod.containers[0]?.lifecycle?.preStop?.sleep?.seconds];
    };
    // media: 5 s out of the endpoints, 25 s HTTP drain for an upload in flight, 5 s to exit.
    expect(drain('media')).toEqual([35, 5]);
    expect(drain('resizer')).toEqual([20, 5]);
    // converter: no Service to leave; its 30 s shutdown timeout, then the broker redelivers.
    expect(drain('converter')).toEqual([35, undefined]);
  });

  it("merges the override over the rendered Deployment: a container's env, a volume and a sidecar", () => {
    const cr = samplePlatform({
      resizer: {
        override: {
          deployment: {
            metadata: { labels: { 'app.kubernetes.io/managed-by': 'someone-else', cost: 'images' } },
            spec: {
              template: {
                spec: {
                  containers: [
                    {
                      name: 'resizer',
                      env: [{ name: 'NODE_OPTIONS', value: '--max-semi-space-size=64' }],
                      volumeMounts: [{ name: 'fonts', mountPath: '/usr/share/fonts/extra', readOnly: true }],
                    },
                    { name: 'log-shipper', image: 'fluent-bit:3', args: ['-c', '/etc/fluent-bit.conf'] },
                  ],
                  volumes: [{ name: 'fonts', configMap: { name: 'brand-fonts' } }],
                },
              },
            },
          },
        },
      },
    });
    const deployment = build(cr);
    expect(deployment.metadata.labels).toEqual({
      cost: 'images',
      'app.kubernetes.io/name': 'enlarger',
      'app.kubernetes.io/instance': 'photos',
      'app.kubernetes.io/component': 'resizer',
      'app.kubernetes.io/managed-by': 'enlarger-operator',
    });
    const pod = deployment.spec.template.spec!;
    expect(pod.containers.map((c) => c.name)).toEqual(['resizer', 'log-shipper']);
    const [resizer, sidecar] = pod.containers;
    expect(resizer?.env).toEqual([
      { name: 'MALLOC_ARENA_MAX', value: '2' },
      { name: 'MALLOC_MMAP_THRESHOLD_', value: '4194304' },
      { name: 'LD_PRELOAD', value: '/usr/local/lib/libjemalloc.so.2' },
      { name: 'MALLOC_CONF', value: 'background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0' },
      { name: 'AMQP_URL', valueFrom: { secretKeyRef: { name: 'amqp', key: 'url' } } },
      { name: 'NODE_OPTIONS', value: '--max-semi-space-size=64' },
    ]);
    expect(resizer?.volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'fonts', mountPath: '/usr/share/fonts/extra', readOnly: true },
    ]);
    // Everything the builder set and the override did not touch is still there.
    expect(resizer?.image).toBe(`ghcr.io/enlarger/enlarger:${pkg.version}`);
    expect(resizer?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(sidecar).toEqual({
      name: 'log-shipper',
      image: 'fluent-bit:3',
      args: ['-c', '/etc/fluent-bit.conf'],
    });
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'fonts', configMap: { name: 'brand-fonts' } },
    ]);
  });
});
