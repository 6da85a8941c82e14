import type { V1Deployment, V1ResourceRequirements } from '@kubernetes/client-node';
import type { ImagePlatform } from '../api/imageplatform.js';
import type { ResourceRequirements } from '../api/spec.js';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum, type ReferencedSecrets } from './checksum.js';
import { HTTP_PORT, childLabels, childMeta, childName, selectorLabels, type Component } from './meta.js';
import { componentEnv } from './service-env.js';

/** A Deployment whose metadata and spec are always present, as the builders return them. */
export type DesiredDeployment = V1Deployment & {
  metadata: { name: string; namespace: string };
  spec: NonNullable<V1Deployment['spec']>;
};

export interface DeploymentOptions {
  /** Omitted when another controller (the autoscaler) owns the replica count. */
  replicas: number | undefined;
  resources: ResourceRequirements;
  /** How long a pod may take to finish in-flight work after SIGTERM. */
  terminationGracePeriodSeconds: number;
}

/**
 * The Deployment of one component. Every component runs the same image with
 * its name as the command, serves /healthz, /readyz and /metrics on
 * {@link HTTP_PORT}, and meets the `restricted` Pod Security Standard.
 */
export function buildDeployment(
  cr: ImagePlatform,
  component: Component,
  secrets: ReferencedSecrets,
  options: DeploymentOptions,
): DesiredDeployment {
  const { image } = cr.spec;
  const probe = (path: string, periodSeconds: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMeta(cr, childName(cr, component), component),
    spec: {
      ...(options.replicas === undefined ? {} : { replicas: options.replicas }),
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels(cr, component) },
      // Surge before stopping an old pod, so a rollout never lowers capacity.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: childLabels(cr, component),
          annotations: {
            [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(cr, component, secrets),
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(HTTP_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          // The services never call the Kubernetes API.
          automountServiceAccountToken: false,
          // Service links would inject variables like PHOTOS_MEDIA_PORT that nothing reads.
          enableServiceLinks: false,
          terminationGracePeriodSeconds: options.terminationGracePeriodSeconds,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: component,
              image: `${image.repository}:${image.tag}`,
              imagePullPolicy: image.pullPolicy,
              args: [component],
              ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: childName(cr, 'config') } }],
              env: componentEnv(cr, component),
              resources: quantitiesAsStrings(options.resources),
              livenessProbe: probe('/healthz', 10),
              readinessProbe: probe('/readyz', 5),
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
}

// The CRD accepts `cpu: 2` as well as `cpu: "2"`; the Pod API types quantities as strings.
function quantitiesAsStrings({ requests, limits }: ResourceRequirements): V1ResourceRequirements {
  const strings = (q: Record<string, string | number>) =>
    Object.fromEntries(Object.entries(q).map(([k, v]) => [k, String(v)]));
  return {
    ...(requests ? { requests: strings(requests) } : {}),
    ...(limits ? { limits: strings(limits) } : {}),
  };
}
