import type { V1Container, V1Deployment, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { samplePlatform, sampleSecrets } from '../api/fixture.js';
import { desiredChildren } from '../resources/children.js';
import { DESIRED_HASH_ANNOTATION } from '../resources/desired-hash.js';
import { upToDate } from './up-to-date.js';

const { deployments, independent } = desiredChildren(samplePlatform(), sampleSecrets);
const services = independent.filter((c) => c.kind === 'Service');
const desired = deployments[0]!;

/** The desired Deployment as the apiserver returns it: defaults, status and others' fields added. */
function liveDeployment() {
  const live = structuredClone(desired) as V1Deployment;
  const spec = live.spec!;
  live.metadata!.annotations!['deployment.kubernetes.io/revision'] = '1';
  live.metadata!.resourceVersion = '42';
  spec.progressDeadlineSeconds = 600;
  spec.template.spec!.dnsPolicy = 'ClusterFirst';
  spec.template.spec!.containers[0]!.terminationMessagePath = '/dev/termination-log';
  live.status = { replicas: 2, readyReplicas: 2 };
  const container = (): V1Container => spec.template.spec!.containers[0]!;
  return { live, container };
}

describe('upToDate', () => {
  it('ignores what the apiserver and other managers added', () => {
    expect(upToDate(desired, liveDeployment().live)).toBe(true);
  });

  it('is false when a field the operator sets was edited or removed', () => {
    const edited = liveDeployment();
    edited.container().image = 'evil:latest';
    expect(upToDate(desired, edited.live)).toBe(false);

    const unlabelled = liveDeployment();
    delete unlabelled.live.metadata!.labels!['app.kubernetes.io/managed-by'];
    expect(upToDate(desired, unlabelled.live)).toBe(false);

    const extraEnv = liveDeployment();
    extraEnv.container().env!.push({ name: 'X', value: '1' });
    expect(upToDate(desired, extraEnv.live)).toBe(false);
  });

  it('is false when the live object was built from another spec, or by an older operator', () => {
    const older = liveDeployment();
    older.live.metadata!.annotations![DESIRED_HASH_ANNOTATION] = 'other';
    expect(upToDate(desired, older.live)).toBe(false);

    const unstamped = liveDeployment();
    delete unstamped.live.metadata!.annotations![DESIRED_HASH_ANNOTATION];
    expect(upToDate(desired, unstamped.live)).toBe(false);
  });

  it('compares each child with its own desired state', () => {
    const live = structuredClone(services[0]!) as V1Service;
    live.spec!.clusterIP = '10.0.0.7';
    expect(upToDate(services[0]!, live)).toBe(true);
    expect(upToDate(services[1]!, live)).toBe(false);
  });
});
