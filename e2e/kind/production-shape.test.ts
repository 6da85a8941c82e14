import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/wait.js';
import { kindEnv } from './config.js';
import {
  dropSuiteState,
  examplePlatform,
  kubectl,
  kubectlApply,
  kubectlJson,
  prepareSample,
  smallCpu,
  suiteNames,
} from './support.js';

// Issue 19 on real pods: the README's production-shaped example for EKS
// (examples/imageplatform-eks.yaml: a created ServiceAccount with an IRSA
// annotation, placement for every pod, a zone spread that refuses to skew, a
// LoadBalancer Service, an override of the resizer's container, a
// NetworkPolicy) applied as written, but for what a kind cluster cannot have:
// the image, MinIO instead of AWS S3, and small CPU requests. The node group
// the example selects is a label the test puts on the nodes, and its
// PriorityClass is created here, as the example's comment says to.

const NODEGROUP = 'eks.amazonaws.com/nodegroup';
const PRIORITY_CLASS = 'images-critical';

interface Pod {
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
    nodeSelector?: Record<string, string>;
    tolerations?: { key?: string; value?: string; effect?: string }[];
    priorityClassName?: string;
    topologySpreadConstraints?: { topologyKey: string; whenUnsatisfiable: string }[];
    containers: { name: string; env?: { name: string; value?: string }[] }[];
  };
  status: { phase: string; conditions?: { type: string; status: string }[] };
}

describe('the production-shaped EKS example on real pods', () => {
  const env = kindEnv();
  const suite = suiteNames('eks-shape');
  const { ns, bucket, queueName } = suite;
  const nodes = () => kubectl('get', 'nodes', '-o', 'name').trim().split('\n');
  const pods = (component: string) =>
    kubectlJson<{ items: Pod[] }>(
      '-n',
      ns,
      'get',
      'pods',
      '-l',
      `app.kubernetes.io/instance=photos,app.kubernetes.io/component=${component}`,
    ).items;

  const platform = () => {
    const eks = examplePlatform(suite, { file: 'examples/imageplatform-eks.yaml' });
    // MinIO with keys in place of S3 reached through IRSA: the only change to what the pods are given.
    eks.spec.storage = {
      bucket,
      endpoint: env.KIND_S3_ENDPOINT,
      region: 'us-east-1',
      forcePathStyle: true,
      credentialsSecretRef: { name: 'photos-s3' },
    };
    eks.spec.media = { ...eks.spec.media, resources: smallCpu('512Mi') };
    eks.spec.converter = { ...eks.spec.converter, resources: smallCpu('1Gi') };
    eks.spec.resizer = { ...eks.spec.resizer, resources: smallCpu('1Gi') };
    return JSON.stringify(eks);
  };

  beforeAll(async () => {
    await prepareSample(ns, bucket, randomBytes(32).toString('hex'));
    for (const node of nodes()) kubectl('label', '--overwrite', node, `${NODEGROUP}=images`);
    kubectl('create', 'priorityclass', PRIORITY_CLASS, '--value=1000', '--description=enlarger kind e2e');
    kubectlApply(ns, platform());
    kubectl('-n', ns, 'wait', '--for=condition=Ready', 'imageplatform/photos', '--timeout=300s');
  });

  afterAll(async () => {
    kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found');
    kubectl('delete', 'priorityclass', PRIORITY_CLASS, '--ignore-not-found');
    for (const node of nodes()) kubectl('label', node, `${NODEGROUP}-`);
    await dropSuiteState(bucket, queueName);
  });

  it('creates the ServiceAccount with its IRSA annotation, owned by the platform', () => {
    const sa = kubectlJson<{
      metadata: { annotations: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
    }>('-n', ns, 'get', 'serviceaccount', 'photos-enlarger');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      'arn:aws:iam::111122223333:role/photos-s3',
    );
    expect(sa.metadata.ownerReferences?.map((o) => [o.kind, o.name])).toEqual([['ImagePlatform', 'photos']]);
  });

  it('runs every media and resizer pod with the identity, placement and labels the example asks for', async () => {
    // The resizer's autoscaler brings it to its minReplicas (3) after the platform is Ready.
    const isReady = (p: Pod) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    const running = await eventually(
      () => {
        const all = [...pods('media'), ...pods('resizer')];
        return all.length === 6 && all.every(isReady) && all;
      },
      { timeoutMs: 240_000, intervalMs: 2000, what: 'three media and three resizer pods Ready' },
    );
    expect(running.map((p) => p.metadata.labels['app.kubernetes.io/component']).sort()).toEqual([
      'media',
      'media',
      'media',
      'resizer',
      'resizer',
      'resizer',
    ]);
    for (const pod of running) {
      const { spec } = pod;
      expect([pod.metadata.name, pod.status.phase]).toEqual([pod.metadata.name, 'Running']);
      expect(spec.serviceAccountName).toBe('photos-enlarger');
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.nodeSelector).toMatchObject({ [NODEGROUP]: 'images' });
      expect(spec.tolerations).toContainEqual(
        expect.objectContaining({ key: 'dedicated', value: 'images', effect: 'NoSchedule' }),
      );
      expect(spec.priorityClassName).toBe(PRIORITY_CLASS);
      expect(pod.metadata.labels['cost-center']).toBe('media');
    }
  });

  it("applies the resizer's override and its zone spread, and renders its Service and the NetworkPolicy", () => {
    for (const pod of pods('resizer')) {
      const container = pod.spec.containers.find((c) => c.name === 'resizer');
      expect(container?.env).toContainEqual({ name: 'NODE_OPTIONS', value: '--max-semi-space-size=64' });
      expect(pod.spec.topologySpreadConstraints).toContainEqual(
        expect.objectContaining({
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'DoNotSchedule',
        }),
      );
    }
    const svc = kubectlJson<{
      metadata: { annotations: Record<string, string> };
      spec: { type: string; loadBalancerSourceRanges?: string[] };
    }>('-n', ns, 'get', 'service', 'photos-resizer');
    expect(svc.spec.type).toBe('LoadBalancer');
    expect(svc.spec.loadBalancerSourceRanges).toEqual(['10.0.0.0/8']);
    expect(svc.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internal');
    const policies = kubectl('-n', ns, 'get', 'networkpolicy', '-o', 'name')
      .trim()
      .split('\n')
      .filter(Boolean);
    expect(policies.length).toBeGreaterThan(0);
    const budgets = kubectl('-n', ns, 'get', 'pdb', '-o', 'name').trim().split('\n').sort();
    // The autoscaled converter (0 to 8) has one too: its ceiling is above one, and a relative budget over
    // no pods holds nothing up.
    expect(budgets).toEqual([
      'poddisruptionbudget.policy/photos-converter',
      'poddisruptionbudget.policy/photos-media',
      'poddisruptionbudget.policy/photos-resizer',
    ]);
  });
});
