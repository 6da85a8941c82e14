import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { withNamespace } from '../support/cluster.js';
import { uniqueName } from '../support/env.js';
import { installCrds, kubeClients, startOperator, type OperatorProcess } from '../support/kube-operator.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const { kc } = kubeClients();

// The one version, as a process reports it: `enlarger --version`, and the operator's /metrics with the
// commit the Dockerfile stamps as ENLARGER_COMMIT. From source, not dist/: lib/build/version.test.ts
// proves the lookup from dist/'s depth, and compiling here would cost this file a minute.
describe('build info', () => {
  const ns = uniqueName('build-info');
  let dropNamespace: (() => Promise<void>) | undefined;
  let operator: OperatorProcess | undefined;

  beforeAll(async () => {
    await installCrds();
    dropNamespace = await withNamespace(kc, ns);
    operator = startOperator(ns, 'build-info', { env: { ENLARGER_COMMIT: '446f3fe' } });
    await operator.port;
  });
  afterAll(async () => {
    await operator?.stop();
    await dropNamespace?.();
  });

  it('enlarger --version prints package.json version', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--version'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(out.trim()).toBe(pkg.version);
  });

  it('the operator serves enlarger_build_info{version,commit} 1 on /metrics', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${await operator!.port}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `^enlarger_build_info\\{version="${pkg.version}",commit="446f3fe",component="operator"\\} 1$`,
        'm',
      ),
    );
  });
});
