import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { testEnv } from '../support/env.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const helmPath = testEnv().HELM;

// `make chart-package` is the release workflow's step: the .tgz it pushes must carry the tag's
// version as both version and appVersion, the CRD template and its file, and run that tag's image.
describe.skipIf(!helmPath)('make chart-package', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'enlarger-chart-package-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const version = '9.8.7-rc.1';
  const tgz = path.join(out, `enlarger-${version}.tgz`);
  const helm = (...args: string[]) => execFileSync(helmPath!, args, { encoding: 'utf8' });

  it('packages the chart with version and appVersion VERSION', () => {
    execFileSync(
      'make',
      ['--no-print-directory', 'chart-package', `VERSION=${version}`, `CHART_OUT=${out}`, `HELM=${helmPath}`],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    const chart = parse(helm('show', 'chart', tgz)) as { name: string; version: string; appVersion: string };
    expect(chart).toMatchObject({ name: 'enlarger', version, appVersion: version });

    const files = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' }).split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'enlarger/templates/crds.yaml',
        'enlarger/files/crds/enlarger.dev_imageplatforms.yaml',
      ]),
    );

    const objects = parseAllDocuments(helm('template', 'demo', tgz)).map(
      (d) =>
        d.toJS() as {
          kind: string;
          spec?: { template?: { spec: { containers: Array<{ image: string }> } } };
        },
    );
    expect(objects.map((o) => o.kind)).toContain('CustomResourceDefinition');
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(deployment?.spec?.template?.spec.containers[0]?.image).toBe(
      `ghcr.io/enlarger/enlarger:${version}`,
    );
  });
});
