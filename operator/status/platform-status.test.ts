import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../api/fixture.js';
import { computeStatus } from './platform-status.js';

const now = new Date('2025-01-01T00:00:00Z');

function deployment(replicas: number, ready: number, updated = ready, generation = 1): V1Deployment {
  return {
    metadata: { generation },
    spec: { replicas, selector: {}, template: {} },
    status: {
      observedGeneration: generation,
      replicas: updated,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
    },
  };
}

const allReady = { media: deployment(2, 2), converter: deployment(1, 1), resizer: deployment(2, 2) };

describe('computeStatus', () => {
  it('reports Ready with every component rolled out', () => {
    const cr = samplePlatform({}, 4);
    expect(computeStatus(cr, { deployments: allReady, paused: false }, now)).toEqual({
      observedGeneration: 4,
      components: {
        media: { desired: 2, ready: 2, updated: 2, display: '2/2' },
        converter: { desired: 1, ready: 1, updated: 1, display: '1/1' },
        resizer: { desired: 2, ready: 2, updated: 2, display: '2/2' },
      },
      placement: { budgets: 'none', spread: 'media=zone,node converter=- resizer=zone,node' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'AllComponentsReady',
          message: 'media, converter and resizer are ready.',
          observedGeneration: 4,
          lastTransitionTime: '2025-01-01T00:00:00Z',
        },
        {
          type: 'Progressing',
          status: 'False',
          reason: 'RolledOut',
          message: 'Every component runs its current config.',
          observedGeneration: 4,
          lastTransitionTime: '2025-01-01T00:00:00Z',
        },
        {
          type: 'Degraded',
          status: 'False',
          reason: 'ReconcileSucceeded',
          message: 'All children are applied.',
          observedGeneration: 4,
          lastTransitionTime: '2025-01-01T00:00:00Z',
        },
        {
          type: 'SignedURLs',
          status: 'False',
          reason: 'NoSigningKey',
          message:
            'spec.resizer.signingSecretRef is not set: anyone can ask the resizer for any size and format of any photo, each one a render. Set it for a public origin.',
          observedGeneration: 4,
          lastTransitionTime: '2025-01-01T00:00:00Z',
        },
        {
          type: 'AuthenticatedUploads',
          status: 'False',
          reason: 'NoUploadKey',
          message:
            'spec.media.uploadKeysSecretRef is not set: anyone who reaches the media Service can store photos of any size the limits allow. Keep it behind the site, or set the keys.',
          observedGeneration: 4,
          lastTransitionTime: '2025-01-01T00:00:00Z',
        },
      ],
    });
  });

  it('reports Progressing and names what it waits for while pods start', () => {
    const status = computeStatus(
      samplePlatform(),
      { deployments: { ...allReady, media: deployment(2, 1) }, paused: false },
      now,
    );
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['Ready', 'False', 'ComponentsNotReady', 'Waiting for media 1/2 ready.'],
      ['Progressing', 'True', 'RollingOut', 'Waiting for media 1/2 ready.'],
      ['Degraded', 'False', 'ReconcileSucceeded', 'All children are applied.'],
      [
        'SignedURLs',
        'False',
        'NoSigningKey',
        expect.stringContaining('signingSecretRef is not set') as unknown,
      ],
      [
        'AuthenticatedUploads',
        'False',
        'NoUploadKey',
        expect.stringContaining('uploadKeysSecretRef is not set') as unknown,
      ],
    ]);
  });

  it('counts missing Deployments as nothing ready out of the spec', () => {
    const status = computeStatus(
      samplePlatform({ resizer: { replicas: 5 } }),
      { deployments: {}, paused: false },
      now,
    );
    expect(status.components?.resizer).toEqual({ desired: 5, ready: 0, updated: 0, display: '0/5' });
  });

  it('is not rolled out while the Deployment controller has not seen the new generation', () => {
    const stale = { ...deployment(2, 2), metadata: { generation: 2 } };
    const status = computeStatus(
      samplePlatform(),
      { deployments: { ...allReady, resizer: stale }, paused: false },
      now,
    );
    expect(status.conditions?.[0]?.reason).toBe('ComponentsNotReady');
  });

  it('reports a user problem as Degraded and not Ready', () => {
    const problem = { reason: 'SecretNotFound', message: 'Secret "amqp" not found.' };
    const status = computeStatus(samplePlatform(), { deployments: allReady, problem, paused: false }, now);
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'SecretNotFound'],
      ['Progressing', 'False', 'RolledOut'],
      ['Degraded', 'True', 'SecretNotFound'],
      ['SignedURLs', 'False', 'NoSigningKey'],
      ['AuthenticatedUploads', 'False', 'NoUploadKey'],
    ]);
  });

  it('says whether the resizer only serves signed URLs', () => {
    const signed = samplePlatform({ resizer: { signingSecretRef: { name: 'signing' } } });
    const status = computeStatus(signed, { deployments: allReady, paused: false }, now);
    expect(status.conditions?.find((c) => c.type === 'SignedURLs')).toMatchObject({
      status: 'True',
      reason: 'SigningKeysSet',
    });
  });

  it('reports a paused platform as not progressing', () => {
    const status = computeStatus(
      samplePlatform({ paused: true }),
      { deployments: allReady, paused: true },
      now,
    );
    expect(status.conditions?.[1]).toMatchObject({ type: 'Progressing', status: 'False', reason: 'Paused' });
  });

  it('keeps the transition time of conditions whose status did not flip', () => {
    const first = computeStatus(samplePlatform(), { deployments: allReady, paused: false }, now);
    const cr = { ...samplePlatform({}, 2), status: first };
    const later = computeStatus(
      cr,
      { deployments: allReady, paused: false },
      new Date('2025-01-02T00:00:00Z'),
    );
    expect(later.conditions?.map((c) => c.lastTransitionTime)).toEqual(Array(5).fill('2025-01-01T00:00:00Z'));
    expect(later.observedGeneration).toBe(2);
  });
  it('shows what each disruption budget allows now, for kubectl get -o wide', () => {
    const pdb = (allowed: number, pods: number) => ({
      spec: {},
      status: {
        disruptionsAllowed: allowed,
        expectedPods: pods,
        currentHealthy: pods,
        desiredHealthy: pods - 1,
      },
    });
    const status = computeStatus(
      samplePlatform({
        converter: {
          tolerations: [],
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'rack', whenUnsatisfiable: 'DoNotSchedule' },
          ],
        },
      }),
      { deployments: allReady, budgets: { media: pdb(1, 2), resizer: pdb(0, 2) }, paused: false },
      now,
    );
    expect(status.placement).toEqual({
      budgets: 'media=1/2 resizer=0/2',
      spread: 'media=zone,node converter=rack resizer=zone,node',
    });
  });
});
