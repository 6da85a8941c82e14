import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  crdEstablished,
  kubectl,
  startOperator,
  type OperatorProcess,
} from '../test/support/kube-operator.js';
import { uniqueName } from '../test/support/env.js';
import { eventually } from '../test/support/wait.js';

// What a platform team does, with nothing but kubectl and the `enlarger`
// binary: install the CRD, create the Secrets, apply the sample, read status.
// Against the local control plane kwok makes the pods ready; on kind they run.
describe('ImagePlatform through kubectl', () => {
  const ns = uniqueName('e2e');
  let operator: OperatorProcess;

  beforeAll(async () => {
    execFileSync('make', ['--no-print-directory', 'build'], { stdio: 'inherit' });
    kubectl('apply', '--server-side', '--force-conflicts', '-f', 'crds/');
    await crdEstablished('crd/imageplatforms.enlarger.dev', 60_000);
    kubectl('create', 'namespace', ns);
    kubectl(
      '-n',
      ns,
      'create',
      'secret',
      'generic',
      'photos-s3',
      '--from-literal=accessKeyId=a',
      '--from-literal=secretAccessKey=b',
    );
    kubectl(
      '-n',
      ns,
      'create',
      'secret',
      'generic',
      'photos-amqp',
      '--from-literal=url=amqp://guest:guest@rabbitmq:5672',
    );
    kubectl('-n', ns, 'create', 'secret', 'generic', 'photos-signing', '--from-literal=keys=k1,k0');
    // The compiled CLI, as the container image runs it.
    operator = startOperator(ns, 'e2e-operator', { cli: true });
    await operator.port;
  });

  afterAll(async () => {
    await operator?.stop();
    kubectl('delete', 'namespace', ns, '--wait=false');
  });

  it('applies the sample and reports Ready with replica columns', async () => {
    kubectl('-n', ns, 'apply', '-f', 'examples/imageplatform.yaml');
    kubectl('-n', ns, 'wait', '--for=condition=Ready', 'imageplatform/photos', '--timeout=180s');
    const table = await eventually(
      () => {
        const out = kubectl('-n', ns, 'get', 'imgp', 'photos', '--no-headers');
        return /^photos\s+True\s+2\/2\s+1\/1\s+2\/2\s+/.test(out) && out;
      },
      { what: 'printer columns to show all replicas ready' },
    );
    expect(table).toMatch(/^photos\s+True/);
    const children = kubectl(
      '-n',
      ns,
      'get',
      'deployments,services,configmaps',
      '-l',
      'app.kubernetes.io/instance=photos',
      '-o',
      'name',
    );
    expect(children.trim().split('\n').sort()).toEqual([
      'configmap/photos-config',
      'deployment.apps/photos-converter',
      'deployment.apps/photos-media',
      'deployment.apps/photos-resizer',
      'service/photos-media',
      'service/photos-resizer',
    ]);
  });

  it('documents the schema for kubectl explain', () => {
    expect(kubectl('explain', 'imageplatform.spec.storage')).toMatch(/bucket\s+<string> -required-/);
  });

  it('refuses an invalid platform at apply time with a readable message', () => {
    const invalid = `apiVersion: enlarger.dev/v1alpha1
kind: ImagePlatform
metadata: {name: broken}
spec:
  storage: {bucket: photos}
  queue: {urlSecretRef: {name: photos-amqp, key: url}}
  resizer: {autoscaling: {enabled: true, minReplicas: 5, maxReplicas: 2}}
`;
    const result = spawnSync('kubectl', ['-n', ns, 'apply', '-f', '-'], { input: invalid, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/minReplicas/);
  });

  it('removes the children when the platform is deleted', async () => {
    kubectl('-n', ns, 'delete', 'imageplatform', 'photos', '--wait=true', '--timeout=60s');
    await eventually(
      () =>
        kubectl(
          '-n',
          ns,
          'get',
          'deployments',
          '-l',
          'app.kubernetes.io/instance=photos',
          '-o',
          'name',
        ).trim() === '',
      { timeoutMs: 90_000, what: 'garbage collection of the Deployments' },
    );
  });
});
