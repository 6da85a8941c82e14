import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { testEnv, uniqueName } from '../support/env.js';
import { crdEstablished, kubectl } from '../support/kube-operator.js';
import { eventually } from '../support/wait.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const CHART = 'charts/enlarger';
const CRD_FILE = 'enlarger.dev_imageplatforms.yaml';

interface KubeObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: unknown[];
  [field: string]: unknown;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

interface DeploymentObject extends KubeObject {
  spec: {
    replicas: number;
    template: {
      metadata: { annotations?: Record<string, string> };
      spec: {
        serviceAccountName: string;
        securityContext: Record<string, unknown>;
        containers: Array<{
          image: string;
          args: string[];
          env: EnvVar[];
          securityContext: Record<string, unknown>;
          livenessProbe: { httpGet: { path: string; port: string } };
          readinessProbe: { httpGet: { path: string; port: string } };
        }>;
      };
    };
  };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

const read = (file: string) => readFileSync(`${repoRoot}${file}`, 'utf8');
const docs = (text: string): KubeObject[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
const byKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);
const rbacRules = (file: string, kind: string) => byKind(docs(read(`config/rbac/${file}`)), kind)[0]?.rules;

// Helm never upgrades a CRD, so a stale copy in the chart would silently
// install an old schema: the chart must ship exactly what `make manifests` wrote.
describe('chart CRD', () => {
  it('is a byte-for-byte copy of crds/ (cp crds/*.yaml charts/enlarger/crds/ if this fails)', () => {
    expect(read(`${CHART}/crds/${CRD_FILE}`)).toBe(read(`crds/${CRD_FILE}`));
  });
});

const helmPath = testEnv().HELM;

describe.skipIf(!helmPath)('helm chart', () => {
  // The cluster is named by flag, so whatever KUBECONFIG the shell has never matters.
  const kubeconfig = ['--kubeconfig', testEnv().KUBECONFIG];
  const helm = (...args: string[]) =>
    execFileSync(helmPath!, [...args, ...kubeconfig], { cwd: repoRoot, encoding: 'utf8' });
  const render = (...set: string[]) =>
    docs(helm('template', 'demo', CHART, '--namespace', 'ops', ...set.flatMap((s) => ['--set', s])));

  it('lints clean', () => {
    expect(helm('lint', '--strict', CHART)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders the operator, cluster-wide RBAC and the Lease Role by default', () => {
    const objects = render();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/demo-enlarger',
      'ClusterRoleBinding/demo-enlarger',
      'Deployment/demo-enlarger',
      'Role/demo-enlarger-leader-election',
      'RoleBinding/demo-enlarger-leader-election',
      'Service/demo-enlarger-metrics',
      'ServiceAccount/demo-enlarger',
    ]);
    expect(byKind(objects, 'ClusterRole')[0]?.rules).toEqual(rbacRules('role.yaml', 'ClusterRole'));
    expect(byKind(objects, 'Role')[0]?.rules).toEqual(rbacRules('leader-election-role.yaml', 'Role'));
    const deployment = byKind(objects, 'Deployment')[0] as DeploymentObject;
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0]?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0]?.image).toBe('ghcr.io/enlarger/enlarger:0.1.0');
    expect(pod.containers[0]?.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(pod.containers[0]?.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(deployment.spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8090',
    });
  });

  it('applies values, and binds the rules in watchNamespace only when one is set', () => {
    const objects = render(
      'replicas=3',
      'image.tag=dev',
      'logLevel=debug',
      'resyncSeconds=120',
      'metrics.port=9090',
      'watchNamespace=team-a',
      'allowedImageRepositories={ghcr.io/enlarger/enlarger,registry.example/enlarger}',
    );
    expect(byKind(objects, 'ClusterRole')).toEqual([]);
    expect(byKind(objects, 'ClusterRoleBinding')).toEqual([]);
    const [role] = byKind(objects, 'Role').filter((r) => r.metadata.namespace === 'team-a');
    expect(role?.rules).toEqual(rbacRules('role.yaml', 'ClusterRole'));
    expect(byKind(objects, 'RoleBinding').map((b) => b.metadata.namespace)).toContain('team-a');
    const deployment = byKind(objects, 'Deployment')[0] as DeploymentObject;
    expect(deployment.spec.replicas).toBe(3);
    const container = deployment.spec.template.spec.containers[0]!;
    expect(container.image).toBe('ghcr.io/enlarger/enlarger:dev');
    expect(
      Object.fromEntries(container.env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value])),
    ).toEqual({
      OPERATOR_WATCH_NAMESPACE: 'team-a',
      OPERATOR_ALLOWED_IMAGE_REPOSITORIES: 'ghcr.io/enlarger/enlarger,registry.example/enlarger',
      OPERATOR_LEADER_ELECT: 'true',
      OPERATOR_LEASE_NAME: 'demo-enlarger',
      OPERATOR_PORT: '9090',
      OPERATOR_WORKERS: '4',
      OPERATOR_RESYNC_SECONDS: '120',
      LOG_LEVEL: 'debug',
    });
  });

  describe('installed on the apiserver', () => {
    const ns = uniqueName('chart');
    const release = uniqueName('enl');
    const fullname = `${release}-enlarger`;
    const serviceAccount = `system:serviceaccount:${ns}:${fullname}`;
    const canI = (...args: string[]) =>
      spawnSync('kubectl', ['auth', 'can-i', '--as', serviceAccount, ...args, ...kubeconfig], {
        encoding: 'utf8',
      }).stdout.trim();

    afterAll(() => {
      spawnSync(helmPath!, ['uninstall', release, '--namespace', ns, '--wait', ...kubeconfig]);
      // Cluster-scoped leftovers of a failed install, then the namespace.
      kubectl('delete', 'clusterrole,clusterrolebinding', fullname, '--ignore-not-found');
      kubectl('delete', 'namespace', ns, '--ignore-not-found', '--wait=false');
    });

    it('installs, and kwok makes the operator Deployment Available', async () => {
      // Other suites may have applied the CRD already. Helm never upgrades or
      // adopts an existing CRD, so only a fresh cluster gets it from the chart.
      const crdExists = kubectl(
        'get',
        'crd',
        '--ignore-not-found',
        '-o',
        'name',
        'imageplatforms.enlarger.dev',
      ).trim();
      helm(
        'install',
        release,
        CHART,
        '--namespace',
        ns,
        '--create-namespace',
        ...(crdExists ? ['--skip-crds'] : []),
        '--set',
        'logLevel=debug',
      );
      await crdEstablished('crd/imageplatforms.enlarger.dev');

      const deployment = JSON.parse(
        kubectl('-n', ns, 'get', 'deployment', fullname, '-o', 'json'),
      ) as DeploymentObject;
      const pod = deployment.spec.template.spec;
      expect(pod.serviceAccountName).toBe(fullname);
      expect(pod.containers[0]?.args).toEqual(['operator']);
      const env = Object.fromEntries(pod.containers[0]!.env.map((e) => [e.name, e]));
      expect(env.POD_NAMESPACE?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');
      expect(env.POD_NAME?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
      expect(env.LOG_LEVEL?.value).toBe('debug');
      expect(env.OPERATOR_LEASE_NAME?.value).toBe(fullname);
      expect(kubectl('-n', ns, 'get', 'service', `${fullname}-metrics`, '-o', 'name').trim()).toBe(
        `service/${fullname}-metrics`,
      );

      await eventually(
        () => {
          const live = JSON.parse(
            kubectl('-n', ns, 'get', 'deployment', fullname, '-o', 'json'),
          ) as DeploymentObject;
          return live.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
        },
        { timeoutMs: 120_000, what: `deployment ${fullname} to be Available` },
      );
    });

    it('grants exactly the rules of config/rbac, and nothing more', () => {
      const clusterRole = JSON.parse(kubectl('get', 'clusterrole', fullname, '-o', 'json')) as KubeObject;
      expect(clusterRole.rules).toEqual(rbacRules('role.yaml', 'ClusterRole'));
      const leaseRole = JSON.parse(
        kubectl('-n', ns, 'get', 'role', `${fullname}-leader-election`, '-o', 'json'),
      ) as KubeObject;
      expect(leaseRole.rules).toEqual(rbacRules('leader-election-role.yaml', 'Role'));

      // The bindings reach the service account the Deployment runs as.
      expect(canI('list', 'imageplatforms.enlarger.dev', '--all-namespaces')).toBe('yes');
      expect(canI('patch', 'deployments.apps', '-n', 'default')).toBe('yes');
      expect(canI('update', 'leases.coordination.k8s.io', '-n', ns)).toBe('yes');
      expect(canI('delete', 'deployments.apps', '-n', 'default')).toBe('no');
      expect(canI('list', 'secrets', '-n', 'default')).toBe('no');
      expect(canI('update', 'leases.coordination.k8s.io', '-n', 'default')).toBe('no');
    });

    it('uninstalls, leaving no cluster-scoped objects behind', () => {
      helm('uninstall', release, '--namespace', ns, '--wait');
      expect(
        kubectl('get', 'clusterrole,clusterrolebinding', fullname, '--ignore-not-found', '-o', 'name'),
      ).toBe('');
      expect(
        kubectl(
          '-n',
          ns,
          'get',
          'deployment,serviceaccount,role',
          '-l',
          `app.kubernetes.io/instance=${release}`,
          '-o',
          'name',
        ),
      ).toBe('');
    });
  });
});
