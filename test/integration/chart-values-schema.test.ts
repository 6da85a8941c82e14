import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testEnv, uniqueName } from '../support/env.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const CHART = 'charts/enlarger';
const helmPath = testEnv().HELM;

// charts/enlarger/values.schema.json: a mistyped or misspelt value must stop
// `helm lint` and `helm install` before anything reaches the cluster.
describe.skipIf(!helmPath)('chart values schema', () => {
  const kubeconfig = ['--kubeconfig', testEnv().KUBECONFIG];
  const helm = (...args: string[]) => {
    const r = spawnSync(helmPath!, [...args, ...kubeconfig], { cwd: repoRoot, encoding: 'utf8' });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const sets = (values: string[]) => values.flatMap((v) => ['--set', v]);
  const lint = (...values: string[]) => helm('lint', '--strict', CHART, ...sets(values));
  // --dry-run=server: the apiserver validates every object (and RBAC) but stores nothing. The CRD
  // other suites applied is taken over, as `make helm-install` does, so its update is validated too.
  const install = (release: string, ...values: string[]) =>
    helm(
      'install',
      release,
      CHART,
      '--namespace',
      'default',
      '--dry-run=server',
      '--take-ownership',
      ...sets(values),
    );

  const refusals: Array<[string, string[], RegExp]> = [
    ['a string for an integer', ['replicas=two'], /at '\/replicas': got string, want integer/],
    ['an unknown top-level key', ['replicaz=3'], /additional properties 'replicaz' not allowed/],
    [
      'an unknown nested key',
      ['monitoring.dashbord.enabled=true'],
      /at '\/monitoring': additional properties 'dashbord' not allowed/,
    ],
    ['a value outside its enum', ['logLevel=verbose'], /at '\/logLevel'/],
    ['a value out of bounds', ['workers=0'], /at '\/workers': minimum: got 0, want 1/],
    ['a malformed duration', ['monitoring.platformPodMonitor.interval=15 seconds'], /interval/],
    ['a malformed quantity', ['resources.limits.memory=lots'], /at '\/resources\/limits\/memory'/],
  ];

  it('lint accepts the defaults, and every monitoring value on', () => {
    expect(lint().out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const on = lint(
      'monitoring.operatorPodMonitor.enabled=true',
      'monitoring.platformPodMonitor.enabled=true',
      'monitoring.prometheusRule.enabled=true',
      'monitoring.dashboard.enabled=true',
      'monitoring.labels.release=kube-prometheus-stack',
    );
    expect(on.status, on.out).toBe(0);
  });

  it.each(refusals)('lint refuses %s', (_what, values, message) => {
    const r = lint(...values);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(message);
  });

  it('install (server dry run) accepts the defaults: the apiserver validates every object', () => {
    const r = install(uniqueName('schema'));
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/STATUS: pending-install/);
  });

  it.each(refusals)('install refuses %s, and leaves no release', (_what, values, message) => {
    const release = uniqueName('schema');
    // A real install, not a dry run: the schema must stop it before the cluster is touched.
    const r = helm('install', release, CHART, '--namespace', 'default', ...sets(values));
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(message);
    expect(helm('status', release, '--namespace', 'default').status).not.toBe(0);
  });
});
