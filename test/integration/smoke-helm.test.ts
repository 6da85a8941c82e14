import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { testEnv } from '../support/env.js';

const helmPath = testEnv().HELM;

// Proves the helm that `make deps` built from the module proxy works, so the
// chart's tests can rely on it.
describe.skipIf(!helmPath)('helm (smoke)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'enlarger-helm-'));
  const helm = (...args: string[]) => execFileSync(helmPath!, args, { cwd: dir, encoding: 'utf8' });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates, lints and renders a chart', () => {
    expect(helm('version', '--short')).toMatch(/^v3\./);
    helm('create', 'demo');
    expect(helm('lint', 'demo')).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    const rendered = parseAllDocuments(helm('template', 'smoke', 'demo', '--set', 'replicaCount=3'));
    const deployment = rendered
      .map((d) => d.toJS() as { kind?: string; spec?: { replicas?: number } })
      .find((o) => o.kind === 'Deployment');
    expect(deployment?.spec?.replicas).toBe(3);
  });
});
