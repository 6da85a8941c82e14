import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { testEnv, uniqueName } from '../support/env.js';
import { crdEstablished, kubectl, kubectlResult } from '../support/kube-operator.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The commit released as v0.1.0: its chart shipped the CRD in crds/, which Helm never upgrades. */
const V0_1_0 = '446f3fe';

interface Crd {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    group: string;
    names: { shortNames?: string[]; categories?: string[] };
    versions: Array<{
      schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } };
    }>;
  };
}

/**
 * The CRD upgrade policy (docs/upgrades.md): the CRD is a template of the chart,
 * so `helm upgrade` to a chart with a new field makes the field usable.
 *
 * The CRD is cluster-scoped and other suites use imageplatforms.enlarger.dev, so
 * these tests never touch it: each chart here carries the same CRD under a group
 * of its own (`<random>.upgrade.enlarger.test`), which Helm and the apiserver
 * treat exactly alike, and a failed run leaves at most that group behind, never
 * an older schema of the real one. The "new field" is spec.events: the older
 * chart is this one with it removed.
 */
describe.skipIf(!testEnv().HELM)('chart CRD upgrade', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'enlarger-crd-upgrade-'));
  const ns = uniqueName('crd-upgrade');
  const cleanups: Array<() => void> = [];
  const helm = (...args: string[]) => {
    const r = spawnSync(testEnv().HELM!, [...args, '--namespace', ns, '--kubeconfig', testEnv().KUBECONFIG], {
      encoding: 'utf8',
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const mustHelm = (...args: string[]) => {
    const r = helm(...args);
    expect(r.status, r.out).toBe(0);
  };

  afterAll(() => {
    for (const cleanup of cleanups.reverse()) cleanup();
    kubectl('delete', 'namespace', ns, '--ignore-not-found', '--wait=false');
    rmSync(work, { recursive: true, force: true });
  });

  /**
   * A copy of a chart whose CRD is moved to a test-only group; without spec.events when `withoutEvents`.
   * `crdDir` is where the chart keeps it: files/crds (a template, this tree) or crds (v0.1.0).
   */
  function chartCopy(from: string, name: string, group: string, crdDir: string, withoutEvents: boolean) {
    const dir = path.join(work, name);
    cpSync(from, dir, { recursive: true });
    const crdPath = path.join(dir, crdDir, readdirSync(path.join(dir, crdDir))[0]!);
    const crd = parse(readFileSync(crdPath, 'utf8')) as Crd;
    crd.spec.group = group;
    crd.metadata.name = `imageplatforms.${group}`;
    // The real CRD holds these names: a second claim would leave this one NamesAccepted=False.
    delete crd.spec.names.shortNames;
    delete crd.spec.names.categories;
    if (withoutEvents) delete crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties.events;
    writeFileSync(crdPath, stringify(crd));
    return dir;
  }

  /** A platform with spec.events, applied by kubectl as a user would (field validation: `validate`). */
  function applyPlatform(group: string, name: string, validate: 'strict' | 'false') {
    const file = path.join(work, `${name}.yaml`);
    writeFileSync(
      file,
      stringify({
        apiVersion: `${group}/v1alpha1`,
        kind: 'ImagePlatform',
        metadata: { name, namespace: ns },
        spec: {
          storage: { bucket: 'photos' },
          queue: { urlSecretRef: { name: 'photos-amqp', key: 'url' } },
          events: { exchange: 'photos.events' },
        },
      }),
    );
    return kubectlResult('apply', `--validate=${validate}`, '-f', file);
  }
  const storedEvents = (group: string, name: string) =>
    (
      JSON.parse(kubectl('-n', ns, 'get', `imageplatforms.${group}`, name, '-o', 'json')) as {
        spec: { events?: { exchange: string } };
      }
    ).spec.events;

  /** Installs `chart` as `release`, and undoes it (and its CRD, kept by policy) after the suite. */
  function install(release: string, chart: string, group: string, ...flags: string[]) {
    cleanups.push(() => {
      helm('uninstall', release, '--wait');
      kubectl('delete', 'crd', `imageplatforms.${group}`, '--ignore-not-found');
    });
    mustHelm('install', release, chart, '--create-namespace', ...flags);
  }

  it('helm upgrade to a chart whose CRD has a new field makes the field usable, and uninstall keeps the CRD', async () => {
    const group = `${uniqueName('t')}.upgrade.enlarger.test`;
    const crd = `crd/imageplatforms.${group}`;
    const before = chartCopy(path.join(repoRoot, 'charts/enlarger'), 'before', group, 'files/crds', true);
    const after = chartCopy(path.join(repoRoot, 'charts/enlarger'), 'after', group, 'files/crds', false);
    const release = uniqueName('enl');
    install(release, before, group);
    await crdEstablished(crd);

    // Before: the field is unknown. kubectl's strict validation refuses it; without
    // validation the apiserver accepts the object and prunes the field.
    const refused = applyPlatform(group, 'refused', 'strict');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/unknown field "spec.events"/);
    expect(applyPlatform(group, 'pruned', 'false').status).toBe(0);
    expect(storedEvents(group, 'pruned')).toBeUndefined();

    mustHelm('upgrade', release, after);
    await crdEstablished(crd);
    const accepted = applyPlatform(group, 'accepted', 'strict');
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(storedEvents(group, 'accepted')).toEqual({ exchange: 'photos.events' });
    // The object written under the old schema is served under the new one: the
    // apiserver defaults the new field as it reads it from etcd, but the value
    // pruned at write time is gone for good (docs/upgrades.md, "Order").
    expect(storedEvents(group, 'pruned')).toEqual({ exchange: 'enlarger.events' });

    // helm.sh/resource-policy: keep — uninstalling the chart must not delete every platform with the CRD.
    mustHelm('uninstall', release, '--wait');
    expect(kubectl('get', crd, '-o', 'name').trim()).toBe(
      `customresourcedefinition.apiextensions.k8s.io/imageplatforms.${group}`,
    );
    expect(storedEvents(group, 'accepted')).toEqual({ exchange: 'photos.events' });
  });

  it("upgrades v0.1.0's chart (CRD in crds/, which Helm never upgrades): adopted with --take-ownership", async () => {
    const group = `${uniqueName('t')}.upgrade.enlarger.test`;
    const crd = `crd/imageplatforms.${group}`;
    execFileSync('sh', ['-c', `git archive ${V0_1_0} charts/enlarger | tar -x -C "${work}"`], {
      cwd: repoRoot,
    });
    const v010 = chartCopy(path.join(work, 'charts/enlarger'), 'v0.1.0', group, 'crds', true);
    const after = chartCopy(
      path.join(repoRoot, 'charts/enlarger'),
      'after-v0.1.0',
      group,
      'files/crds',
      false,
    );
    const release = uniqueName('enl');
    install(release, v010, group);
    await crdEstablished(crd);
    expect(applyPlatform(group, 'refused', 'strict').stderr).toMatch(/unknown field "spec.events"/);

    // Helm installed the CRD from crds/ without its ownership labels, so a plain
    // upgrade refuses to take it over; `make helm-install` passes --take-ownership.
    const plain = helm('upgrade', release, after);
    expect(plain.status).not.toBe(0);
    expect(plain.out).toMatch(/invalid ownership metadata/);
    mustHelm('upgrade', release, after, '--take-ownership');
    await crdEstablished(crd);

    const accepted = applyPlatform(group, 'accepted', 'strict');
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(storedEvents(group, 'accepted')).toEqual({ exchange: 'photos.events' });
    const annotations = (JSON.parse(kubectl('get', crd, '-o', 'json')) as Crd).metadata.annotations;
    expect(annotations).toMatchObject({
      'meta.helm.sh/release-name': release,
      'helm.sh/resource-policy': 'keep',
    });
  });
});
