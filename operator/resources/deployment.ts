import type { V1Deployment, V1EnvVar } from '@kubernetes/client-node';
import type { ComponentRow } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { childLabels, childMeta, childName, selectorLabels, serviceAccountName } from '../api/names.js';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum, type ReferencedSecrets } from './checksum.js';
import { withOverride } from './override.js';
import { DEPLOYMENT_MERGE_KEYS } from './strategic-merge.js';

/** A Deployment whose metadata and spec are always present, as the builders return them. */
export type DesiredDeployment = V1Deployment & {
  metadata: { name: string; namespace: string };
  spec: NonNullable<V1Deployment['spec']>;
};

/**
 * The container env of one component: its runtime's own variables, then its
 * Secrets by reference; plain settings come from the ConfigMap.
 */
export function containerEnv(row: ComponentRow): V1EnvVar[] {
  return [
    ...Object.entries(row.processEnv ?? {}).map(([name, value]) => ({ name, value })),
    ...row.secretEnv.map(({ name, secret, key }) => ({
      name,
      valueFrom: { secretKeyRef: { name: secret, key } },
    })),
  ];
}

/**
 * The Deployment of one component, from its row of the component table.
 * Every component runs the same image with its name as the command, serves
 * probes and metrics on its admin port, and meets the `restricted` Pod
 * Security Standard. The user's override is merged over it last.
 */
export function buildDeployment(
  cr: ImagePlatform,
  row: ComponentRow,
  secrets: ReferencedSecrets,
): DesiredDeployment {
  const { image, serviceAccount } = cr.spec;
  const { placement, drain } = row;
  const account = serviceAccountName(cr);
  const probe = (path: string, periodSeconds: number) => ({
    httpGet: { path, port: 'admin' },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  const ports = [
    ...(row.ports.public === undefined
      ? []
      : [{ name: 'http', containerPort: row.ports.public, protocol: 'TCP' }]),
    { name: 'admin', containerPort: row.ports.admin, protocol: 'TCP' },
  ];
  const deployment: DesiredDeployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMeta(cr, childName(cr, row.name), row.name),
    spec: {
      // With autoscaling on, the autoscaler owns spec.replicas: leaving the field out
      // of our apply releases our ownership instead of fighting over it.
      ...(row.scaling.signal === 'none' ? { replicas: row.replicas } : {}),
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(cr, row.name) },
      // Surge before stopping an old pod, so a rollout never lowers capacity.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: {
          // The user's pod labels and annotations first: the operator's own keys must win.
          labels: { ...placement.podLabels, ...childLabels(cr, row.name) },
          annotations: {
            ...placement.podAnnotations,
            [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(row, secrets),
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(row.ports.admin),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          ...(account ? { serviceAccountName: account } : {}),
          // The services never call the Kubernetes API; cloud identity (IRSA, Pod Identity) mounts its own token.
          automountServiceAccountToken: serviceAccount.automountServiceAccountToken,
          // Service links would inject variables like PHOTOS_MEDIA_PORT that nothing reads.
          enableServiceLinks: false,
          terminationGracePeriodSeconds: drain.terminationGracePeriodSeconds,
          ...(placement.priorityClassName ? { priorityClassName: placement.priorityClassName } : {}),
          ...(placement.nodeSelector ? { nodeSelector: placement.nodeSelector } : {}),
          ...(placement.affinity ? { affinity: placement.affinity } : {}),
          ...(placement.tolerations ? { tolerations: placement.tolerations } : {}),
          ...(placement.topologySpreadConstraints?.length
            ? { topologySpreadConstraints: placement.topologySpreadConstraints }
            : {}),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: row.name,
              image: `${image.repository}:${image.tag}`,
              imagePullPolicy: image.pullPolicy,
              args: row.args,
              ports,
              envFrom: [{ configMapRef: { name: childName(cr, 'config') } }],
              env: containerEnv(row),
              resources: row.resources,
              livenessProbe: probe(row.probes.liveness, 10),
              readinessProbe: probe(row.probes.readiness, 5),
              // Deletion takes the pod out of its Service's endpoints at once; the pause keeps it
              // serving until every proxy has heard, and only then does SIGTERM start the drain.
              ...(drain.preStopSeconds > 0
                ? { lifecycle: { preStop: { sleep: { seconds: drain.preStopSeconds } } } }
                : {}),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              // The root filesystem is read-only; sharp and upload buffering need a scratch directory.
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
  return withOverride(cr, row.name, deployment, row.override?.deployment, DEPLOYMENT_MERGE_KEYS);
}
