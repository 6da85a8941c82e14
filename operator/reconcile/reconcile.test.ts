import {
  ApiException,
  type KubernetesObject,
  type V1Deployment,
  type V1Secret,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log/logger.js';
import { samplePlatform } from '../api/fixture.js';
import type { ImagePlatformStatus } from '../api/status.js';
import type { ClusterClient, PlatformEvent } from '../platform/cluster-client.js';
import type { ChildObject } from '../api/names.js';
import type { ReconcileContext } from './context.js';
import { USER_PROBLEM_RECHECK_MS, reconcile } from './reconcile.js';

/** An in-memory apiserver: objects by kind/name, resourceVersion bumped on real changes only. */
function fakeWorld(
  // Signed by default: an unsigned platform adds its own Warning, tested on its own below.
  spec: Record<string, unknown> = { resizer: { signingSecretRef: { name: 'signing' } } },
  secrets: Record<string, V1Secret> = {
    amqp: { data: { url: 'eA==' } },
    signing: { data: { keys: 'azE=' } },
  },
) {
  const cr = samplePlatform(spec);
  const objects = new Map<string, KubernetesObject>();
  const events: PlatformEvent[] = [];
  const statuses: ImagePlatformStatus[] = [];
  const applied: string[] = [];
  const deleted: string[] = [];
  /** `start <id>` when an apply is sent, `end <id>` when it is answered. */
  const timeline: string[] = [];
  let rv = 0;
  let failApply: Error | undefined;
  const id = (kind: string, name: string) => `${kind}/${name}`;
  const cluster: ClusterClient = {
    readSecret: (_ns, name) => Promise.resolve(secrets[name]),
    readRabbitmqCluster: () => Promise.resolve({ found: 'no-crd' }),
    read: (child) => Promise.resolve(objects.get(id(child.kind, child.metadata.name))),
    async apply(child: ChildObject, options) {
      if (failApply) throw failApply;
      if (options?.dryRun) {
        timeline.push(`dry-run ${id(child.kind, child.metadata.name)}`);
        return child;
      }
      applied.push(id(child.kind, child.metadata.name));
      timeline.push(`start ${id(child.kind, child.metadata.name)}`);
      // Answer on a later turn of the event loop, as the network would.
      await new Promise((resolve) => setImmediate(resolve));
      timeline.push(`end ${id(child.kind, child.metadata.name)}`);
      const existing = objects.get(id(child.kind, child.metadata.name));
      const same =
        existing &&
        JSON.stringify({ ...existing, metadata: {} }) === JSON.stringify({ ...child, metadata: {} });
      const stored = same
        ? existing
        : { ...child, metadata: { ...child.metadata, resourceVersion: String(++rv) } };
      objects.set(id(child.kind, child.metadata.name), stored);
      return stored;
    },
    delete(child) {
      deleted.push(id(child.kind ?? '', child.metadata?.name ?? ''));
      objects.delete(id(child.kind ?? '', child.metadata?.name ?? ''));
      return Promise.resolve();
    },
    claimReplicas: () => Promise.reject(new Error('no replicas to hand over in these tests')),
    applyStatus: (_cr, status) => {
      statuses.push(status);
      return Promise.resolve();
    },
    recordEvent: (_cr, event) => {
      events.push(event);
      return Promise.resolve();
    },
  };
  const ctx: ReconcileContext = {
    cluster,
    cache: {
      platform: () => cr,
      deployment: () => undefined,
      child: (kind, _ns, name) => objects.get(id(kind, name)),
      children: (kind) =>
        [...objects.entries()].filter(([key]) => key.startsWith(`${kind}/`)).map(([, o]) => o),
    },
    log: createLogger({ level: 'silent' }),
    now: () => new Date('2025-01-01T00:00:00Z'),
    allowedImageRepositories: [],
  };
  return {
    ctx,
    cr,
    objects,
    secrets,
    applied,
    deleted,
    timeline,
    events,
    statuses,
    failWith: (err: Error) => (failApply = err),
  };
}

const apiError = (code: number, message: string) =>
  new ApiException(code, message, JSON.stringify({ message }), {});

describe('reconcile', () => {
  it('applies every child, with one Created event each, and nothing when nothing changed', async () => {
    const world = fakeWorld();
    expect(await reconcile(world.ctx, 'media-team/photos')).toEqual({ kind: 'done' });
    // ConfigMap, three Deployments, two Services, and the budgets of media and the resizer (two replicas each).
    expect(world.objects.size).toBe(8);
    expect(world.events.map((e) => e.reason)).toEqual(Array(8).fill('Created'));

    expect(await reconcile(world.ctx, 'media-team/photos')).toEqual({ kind: 'done' });
    expect(world.applied).toHaveLength(8);
    expect(world.events).toHaveLength(8);
  });

  it('warns once, as an Event, that an unsigned platform serves any URL', async () => {
    const world = fakeWorld({});
    await reconcile(world.ctx, 'media-team/photos');
    const warnings = () => world.events.filter((e) => e.type === 'Warning');
    expect(warnings()).toEqual([
      expect.objectContaining({
        reason: 'NoSigningKey',
        note: expect.stringContaining('signingSecretRef') as unknown,
      }),
    ]);
    world.cr.status = world.statuses.at(-1);
    await reconcile(world.ctx, 'media-team/photos');
    expect(warnings()).toHaveLength(1);
  });

  it('refuses to take over an object of a child name that it does not control', async () => {
    const world = fakeWorld();
    const foreign = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'photos-media' } };
    world.objects.set('Deployment/photos-media', foreign);
    expect(await reconcile(world.ctx, 'media-team/photos')).toEqual({
      kind: 'recheck',
      afterMs: USER_PROBLEM_RECHECK_MS,
    });
    expect(world.applied).toEqual([]);
    expect(world.objects.get('Deployment/photos-media')).toBe(foreign);
    expect(world.statuses.at(-1)?.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ChildNotOwned',
    });
  });

  it('refuses an image repository outside the allow-list, applying nothing', async () => {
    const world = fakeWorld();
    const ctx = { ...world.ctx, allowedImageRepositories: ['registry.example/enlarger'] };
    expect(await reconcile(ctx, 'media-team/photos')).toEqual({ kind: 'done' });
    expect(world.applied).toEqual([]);
    expect(world.statuses.at(-1)?.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ImageNotAllowed',
    });
  });

  it('applies the Deployments only once the ConfigMap is applied', async () => {
    const world = fakeWorld();
    await reconcile(world.ctx, 'media-team/photos');
    const configApplied = world.timeline.indexOf('end ConfigMap/photos-config');
    for (const name of ['photos-media', 'photos-converter', 'photos-resizer']) {
      expect(world.timeline.indexOf(`start Deployment/${name}`)).toBeGreaterThan(configApplied);
    }
    // The Services wait for nothing.
    expect(world.timeline.indexOf('start Service/photos-media')).toBeLessThan(configApplied);
  });

  it('re-applies only a child that was deleted or edited by someone else', async () => {
    const world = fakeWorld();
    await reconcile(world.ctx, 'media-team/photos');
    world.objects.delete('Service/photos-media');
    const converter = world.objects.get('Deployment/photos-converter') as V1Deployment;
    const edited: V1Deployment = {
      ...converter,
      spec: { ...converter.spec!, template: { ...converter.spec!.template, spec: { containers: [] } } },
    };
    world.objects.set('Deployment/photos-converter', edited);
    world.applied.length = 0;

    await reconcile(world.ctx, 'media-team/photos');
    expect(world.applied.sort()).toEqual(['Deployment/photos-converter', 'Service/photos-media']);
    expect(world.events.slice(8).map((e) => e.note)).toEqual(
      expect.arrayContaining(['Created Service photos-media', 'Updated Deployment photos-converter']),
    );
  });

  it('rolls the Deployments that read a rotated Secret value, and only those', async () => {
    const world = fakeWorld(
      { resizer: { signingSecretRef: { name: 'signing' } } },
      {
        amqp: { data: { url: 'eA==' } },
        signing: { data: { keys: 'azE=' } },
      },
    );
    await reconcile(world.ctx, 'media-team/photos');
    world.applied.length = 0;
    world.secrets.signing = { data: { keys: 'azI=' } };

    await reconcile(world.ctx, 'media-team/photos');
    expect(world.applied).toEqual(['Deployment/photos-resizer']);
    expect(world.events.at(-1)?.note).toBe('Updated Deployment photos-resizer');
  });

  it('reports a missing Secret as Degraded once, applies nothing, and rechecks slowly', async () => {
    const world = fakeWorld(undefined, {});
    expect(await reconcile(world.ctx, 'media-team/photos')).toEqual({
      kind: 'recheck',
      afterMs: USER_PROBLEM_RECHECK_MS,
    });
    expect(world.objects.size).toBe(0);
    expect(world.events).toEqual([
      {
        type: 'Warning',
        reason: 'SecretNotFound',
        action: 'Validate',
        note: 'spec.queue.urlSecretRef: Secret "amqp" not found in namespace "media-team".',
      },
    ]);
    expect(world.statuses[0]?.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'SecretNotFound',
    });
  });

  it('reports a missing Secret key', async () => {
    const world = fakeWorld(undefined, {
      amqp: { data: { other: 'eA==' } },
      signing: { data: { keys: 'azE=' } },
    });
    await reconcile(world.ctx, 'media-team/photos');
    expect(world.events[0]?.note).toBe('spec.queue.urlSecretRef: Secret "amqp" has no key "url".');
  });

  it('reports a named ServiceAccount that does not exist, applies nothing, and rechecks slowly', async () => {
    const signed = { signingSecretRef: { name: 'signing' } };
    const world = fakeWorld({ serviceAccount: { name: 'photos-s3' }, resizer: signed });
    expect(await reconcile(world.ctx, 'media-team/photos')).toEqual({
      kind: 'recheck',
      afterMs: USER_PROBLEM_RECHECK_MS,
    });
    expect(world.applied).toEqual([]);
    expect(world.statuses[0]?.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'ServiceAccountNotFound',
      message:
        'spec.serviceAccount.name: ServiceAccount "photos-s3" not found in namespace "media-team". Create it, or set spec.serviceAccount.create: true.',
    });

    // Once someone creates it, the next look applies the platform, its pods running as that account.
    world.objects.set('ServiceAccount/photos-s3', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'photos-s3' },
    });
    expect(await reconcile(world.ctx, 'media-team/photos')).toEqual({ kind: 'done' });
    const media = world.objects.get('Deployment/photos-media') as V1Deployment;
    expect(media.spec?.template.spec?.serviceAccountName).toBe('photos-s3');
    expect(world.objects.has('ServiceAccount/photos-s3')).toBe(true);
  });

  it('does not look for a ServiceAccount it is asked to create', async () => {
    const signed = { signingSecretRef: { name: 'signing' } };
    const world = fakeWorld({ serviceAccount: { name: 'photos-s3', create: true }, resizer: signed });
    expect(await reconcile(world.ctx, 'media-team/photos')).toEqual({ kind: 'done' });
    expect(world.applied).toContain('ServiceAccount/photos-s3');
  });

  it('turns an object the apiserver rejects into Degraded, without retrying', async () => {
    const world = fakeWorld();
    world.failWith(apiError(422, 'Deployment.apps "photos-media" is invalid: quantities must match'));
    expect(await reconcile(world.ctx, 'media-team/photos')).toEqual({ kind: 'done' });
    expect(world.statuses[0]?.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'InvalidChild',
      message: 'Deployment.apps "photos-media" is invalid: quantities must match',
    });
  });

  it('retries conflicts and unexpected errors, and treats NotFound as done', async () => {
    const world = fakeWorld();
    world.failWith(apiError(409, 'conflict'));
    expect((await reconcile(world.ctx, 'media-team/photos')).kind).toBe('retry');
    world.failWith(apiError(500, 'etcd timeout'));
    expect((await reconcile(world.ctx, 'media-team/photos')).kind).toBe('retry');
    world.failWith(apiError(404, 'namespace gone'));
    expect(await reconcile(world.ctx, 'media-team/photos')).toEqual({ kind: 'done' });
  });

  it('touches no child while paused', async () => {
    const world = fakeWorld({ paused: true, resizer: { signingSecretRef: { name: 'signing' } } });
    expect(await reconcile(world.ctx, 'media-team/photos')).toEqual({ kind: 'done' });
    expect(world.objects.size).toBe(0);
    expect(world.statuses[0]?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('Paused');
  });

  it('is done when the platform is gone', async () => {
    const world = fakeWorld();
    world.ctx.cache.platform = () => undefined;
    expect(await reconcile(world.ctx, 'media-team/photos')).toEqual({ kind: 'done' });
    expect(world.objects.size).toBe(0);
  });
  describe('placement, budgets and overrides', () => {
    /** A world reconciled once with `spec`, then switched to `next` and reconciled again. */
    async function change(spec: Record<string, unknown>, next: Record<string, unknown>) {
      const world = fakeWorld(spec);
      await reconcile(world.ctx, 'media-team/photos');
      world.applied.length = 0;
      world.timeline.length = 0;
      const cr = samplePlatform(next, 2);
      world.ctx.cache.platform = () => cr;
      await reconcile(world.ctx, 'media-team/photos');
      return world;
    }
    const signed = { signingSecretRef: { name: 'signing' } };

    it('rolls only the component whose placement changed, and every one for a platform-wide change', async () => {
      const tolerations = [{ key: 'spot', operator: 'Exists' }];
      const one = await change({ resizer: signed }, { resizer: { ...signed, tolerations } });
      expect(one.applied).toEqual(['Deployment/photos-resizer']);
      const all = await change({ resizer: signed }, { resizer: signed, pod: { tolerations } });
      expect(all.applied.sort()).toEqual([
        'Deployment/photos-converter',
        'Deployment/photos-media',
        'Deployment/photos-resizer',
      ]);
    });

    it('changes a budget, a Service or a NetworkPolicy without rolling any pod', async () => {
      const world = await change(
        { resizer: signed },
        {
          media: { podDisruptionBudget: { maxUnavailable: '50%' }, service: { type: 'LoadBalancer' } },
          resizer: signed,
          networkPolicy: { enabled: true },
        },
      );
      expect(world.applied.sort()).toEqual([
        'NetworkPolicy/photos-converter',
        'NetworkPolicy/photos-media',
        'NetworkPolicy/photos-resizer',
        'PodDisruptionBudget/photos-media',
        'Service/photos-media',
      ]);
    });

    it('deletes the budget a component no longer needs, and only children it owns', async () => {
      const world = await change({ resizer: signed }, { resizer: { ...signed, replicas: 1 } });
      expect(world.deleted).toEqual(['PodDisruptionBudget/photos-resizer']);
      expect(world.objects.has('PodDisruptionBudget/photos-media')).toBe(true);
      world.objects.set('ServiceAccount/someone-elses', {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'someone-elses' },
      });
      await reconcile(world.ctx, 'media-team/photos');
      expect(world.deleted).toEqual(['PodDisruptionBudget/photos-resizer']);
    });

    it('dry-runs every child an override changes before applying any', async () => {
      const override = {
        deployment: { spec: { template: { spec: { hostAliases: [{ ip: '10.0.0.1' }] } } } },
      };
      const world = await change({ resizer: signed }, { resizer: { ...signed, override } });
      expect(world.timeline).toEqual([
        'dry-run Deployment/photos-resizer',
        'start Deployment/photos-resizer',
        'end Deployment/photos-resizer',
      ]);
    });

    it('refuses an override with a field the Kubernetes API lacks, applying nothing', async () => {
      const override = { deployment: { spec: { template: { spec: { nodeSelecter: { pool: 'a' } } } } } };
      const world = await change({ resizer: signed }, { resizer: { ...signed, override } });
      expect(world.applied).toEqual([]);
      expect(world.statuses.at(-1)?.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({
        status: 'True',
        reason: 'InvalidOverride',
        message: expect.stringContaining('spec.template.spec.nodeSelecter') as unknown,
      });
    });
  });
});
