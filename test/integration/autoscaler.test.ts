import { readFile } from 'node:fs/promises';
import { EventsV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withNamespace } from '../support/cluster.js';
import { Constellation } from '../support/constellation.js';
import { uniqueName } from '../support/env.js';
import { installCrds, kubeClients, startOperator, type OperatorProcess } from '../support/kube-operator.js';
import { runKwokPods } from '../support/kwok-pods.js';
import { missLoad } from '../support/miss-load.js';
import { largeProgressivePhoto } from '../support/photos.js';
import { autoscaledResizer, createLiveSecrets, liveStorage, platformsIn } from '../support/platforms.js';
import { buildCli } from '../support/processes.js';
import { defaultRetryPolicy } from '../../lib/queue/queue.js';
import { eventually } from '../support/wait.js';

// Real resizer and converter processes stand in for the kwok pods, each on its
// pod's own loopback IP; the operator scrapes them and reads the real
// RabbitMQ queue. Nothing here fakes a metric, a queue depth or a pod.
const { kc, core, apps, custom } = kubeClients();
const events = kc.makeApiClient(EventsV1Api);
const INTERVAL = 3;

interface TargetStatus {
  decision: string;
  conditions: Array<{ type: string; status: string; reason: string }>;
}

describe('the autoscaler, against real pod processes, RabbitMQ and S3', () => {
  const ns = uniqueName('imgp-scale');
  const platforms = platformsIn(custom, ns);
  const c = new Constellation();
  let operator: OperatorProcess;
  let dropNamespace: () => Promise<void>;
  let media: string;
  let photoId: string;

  const replicas = async (name: string) =>
    (await apps.readNamespacedDeployment({ namespace: ns, name })).spec?.replicas;
  const scaledNotes = async () =>
    (await events.listNamespacedEvent({ namespace: ns })).items
      .filter((e) => e.reason === 'Scaled')
      .sort((x, y) => new Date(x.eventTime ?? 0).getTime() - new Date(y.eventTime ?? 0).getTime())
      .map((e) => e.note ?? '');
  /** status.autoscaling.<target> of a platform, as the autoscaler last wrote it. */
  const autoscaling = async (name: string, target: 'resizer' | 'converter') => {
    const { status } = (await platforms.get(name)) as {
      status?: { autoscaling?: Record<string, TargetStatus> };
    };
    return status?.autoscaling?.[target];
  };

  beforeAll(async () => {
    await installCrds();
    await Promise.all([c.createBucket(), buildCli()]);
    dropNamespace = await withNamespace(kc, ns);
    await createLiveSecrets(core, ns);
    media = await c.startMedia();
    // A converter in this process makes the master and sizes the resizer serves from.
    await c.startConverter();
    const upload = await c.upload(media, await readFile(await largeProgressivePhoto()), {
      'x-photographer': 'Ann',
    });
    photoId = ((await upload.json()) as { id: string }).id;
    expect((await c.settled(media, photoId, 120_000)).status).toBe('ready');
    operator = startOperator(ns, 'op-scale');
    await operator.port;
  });
  afterAll(async () => {
    await operator?.stop();
    await dropNamespace?.();
    await c.dispose();
  });

  it('scales the resizer out on p95 and queue under load, spreads the load, and back to min after the window', async () => {
    await platforms.create(
      autoscaledResizer(
        'web',
        { bucket: c.bucket, queueName: c.queueName },
        {
          targetP95Milliseconds: 60,
          targetQueueDepth: 2,
          intervalSeconds: INTERVAL,
          scaleDown: { stabilizationSeconds: 15 },
        },
      ),
    );
    const pods = runKwokPods(apps, core, ns, 'web-resizer', 'RESIZER_HOST');
    try {
      await eventually(async () => (await replicas('web-resizer')) === 1 && pods.pods().length === 1, {
        what: 'the resizer at its minimum, one live pod',
      });
      const generationBefore = (await apps.readNamespacedDeployment({ namespace: ns, name: 'web-resizer' }))
        .metadata!.generation!;
      // The pod has been scraped once, so the autoscaler has a previous sample to diff the next one against.
      await eventually(
        async () => (await autoscaling('web', 'resizer'))?.decision.includes('no renders: holding 1'),
        { what: 'a first scrape of the pod' },
      );

      const started = Date.now();
      // The breach starts with the first render slower than the target: the scrape window it ends in has
      // p95 over the target (every render of this photo is), so that window's scrape must scale.
      let breach: number | undefined;
      const load = missLoad(pods.pods, photoId, 6, (finishedAt, ms) => {
        if (ms > 60) breach ??= finishedAt;
      });
      const { served } = load;
      const raised = await eventually(async () => ((await replicas('web-resizer')) ?? 0) > 1 && Date.now(), {
        what: 'a scale-up',
        timeoutMs: 60_000,
      });
      expect(breach).toBeDefined();
      const reaction = (raised - breach!) / 1000;
      // Within two intervals of the breach: the window it falls in closes at most one interval later, and
      // that scrape decides; the slack covers the scrape, the scale write and this test's polling.
      expect(reaction).toBeLessThanOrEqual(2 * INTERVAL + 2);
      await eventually(() => pods.pods().length > 1 && [...served.keys()].length > 1, {
        what: 'new pods taking traffic',
        timeoutMs: 60_000,
      });
      await load.stop();
      const [scaledUp] = await scaledNotes();
      expect(scaledUp).toMatch(
        /^resizer: (p95 \d+ ms > 60 ms target|queue [\d.]+\/pod > 2 target|\d+ requests shed)/,
      );

      await eventually(async () => (await replicas('web-resizer')) === 1, {
        what: 'back to min after the stabilization window',
        timeoutMs: 90_000,
      });
      // The Event follows the scale write; wait for it rather than race it.
      const notes = await eventually(
        async () => {
          const all = await scaledNotes();
          return all.some((n) => /^resizer: .* → 1/.test(n)) && all;
        },
        { what: 'the scale-down Event' },
      );
      // Only the autoscaler changed the spec: one generation per scale, no fight with the reconciler.
      const generationAfter = (await apps.readNamespacedDeployment({ namespace: ns, name: 'web-resizer' }))
        .metadata!.generation!;
      expect(generationAfter - generationBefore).toBe(notes.filter((n) => n.startsWith('resizer:')).length);
      const status = await autoscaling('web', 'resizer');
      expect(status?.conditions.find((c) => c.type === 'ScalingActive')?.status).toBe('True');
      console.log(
        `resizer scale-up ${reaction.toFixed(1)} s after the breach, ${((raised - started) / 1000).toFixed(1)} s after the load started; requests per pod ${JSON.stringify(Object.fromEntries(served))}; events:\n  ${notes.join('\n  ')}`,
      );

      // Metrics unreachable: the pods stay Ready in kwok but nothing answers. Hold, and say why.
      await pods.pause(true);
      const held = await eventually(
        async () => {
          const s = await autoscaling('web', 'resizer');
          return s?.conditions.find((c) => c.type === 'ScalingActive' && c.status === 'False') && s;
        },
        { what: 'ScalingActive=False', timeoutMs: 30_000 },
      );
      expect(held.decision).toMatch(/^no metrics from any of 1 resizer pods: holding 1/);
      await new Promise((r) => setTimeout(r, 2 * INTERVAL * 1000));
      expect(await replicas('web-resizer')).toBe(1);
    } finally {
      await pods.stop();
    }
  });

  it('after the operator is killed mid-scale, scales down no sooner than one window after the restart, without flapping', async () => {
    const window = 20;
    await platforms.create(
      autoscaledResizer(
        'again',
        { bucket: c.bucket, queueName: c.queueName },
        {
          targetP95Milliseconds: 60,
          targetQueueDepth: 2,
          intervalSeconds: INTERVAL,
          scaleDown: { stabilizationSeconds: window },
        },
      ),
    );
    const pods = runKwokPods(apps, core, ns, 'again-resizer', 'RESIZER_HOST');
    const generation = async () =>
      (await apps.readNamespacedDeployment({ namespace: ns, name: 'again-resizer' })).metadata!.generation!;
    try {
      await eventually(async () => (await replicas('again-resizer')) === 1 && pods.pods().length === 1, {
        what: 'the resizer at its minimum',
      });
      const load = missLoad(pods.pods, photoId, 6);
      await eventually(async () => ((await replicas('again-resizer')) ?? 0) > 1, {
        what: 'a scale-up',
        timeoutMs: 60_000,
      });
      await operator.stop('SIGKILL');
      await load.stop();
      const scaledTo = (await replicas('again-resizer'))!;
      const before = await generation();
      operator = startOperator(ns, 'op-scale-restarted');
      await operator.port;
      // The new process waits out the dead one's Lease, then knows no history: it must not scale down yet.
      const restarted = Date.now();
      const seen: number[] = [];
      while (Date.now() - restarted < (window - 2) * 1000) {
        seen.push((await replicas('again-resizer'))!);
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(Math.min(...seen)).toBe(scaledTo);
      await eventually(async () => (await replicas('again-resizer')) === 1, {
        what: 'back to min after the window',
        timeoutMs: 90_000,
      });
      // One scale-down, straight to min: no flapping.
      expect((await generation()) - before).toBe(1);
    } finally {
      await pods.stop();
    }
  });

  it('scales the converter from zero on the RabbitMQ backlog, converts every upload, and back to zero after the cooldown', async () => {
    // A queue and bucket of its own, so the in-process converter of the first test takes no task;
    // the default retry delays, as the converter pods declare them.
    const media2 = new Constellation({ QUEUE_RETRY_DELAYS_MS: defaultRetryPolicy.delaysMs.join(',') });
    await media2.createBucket();
    await platforms.create({
      apiVersion: 'enlarger.dev/v1alpha1',
      kind: 'ImagePlatform',
      metadata: { name: 'jobs' },
      spec: {
        storage: liveStorage(media2.bucket),
        queue: { urlSecretRef: { name: 'amqp' }, name: media2.queueName, prefetch: 1 },
        media: { replicas: 0 },
        resizer: { replicas: 0 },
        converter: {
          autoscaling: {
            enabled: true,
            minReplicas: 0,
            maxReplicas: 3,
            targetBacklogPerReplica: 2,
            intervalSeconds: 2,
            cooldownSeconds: 8,
          },
        },
      },
    });
    const pods = runKwokPods(apps, core, ns, 'jobs-converter', 'CONVERTER_HOST');
    const uploader = await media2.startMedia();
    try {
      await eventually(async () => (await replicas('jobs-converter')) === 0, {
        what: 'the converter at zero',
        timeoutMs: 60_000,
      });
      const photo = await readFile(await largeProgressivePhoto());
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const res = await media2.upload(uploader, photo, { 'x-photographer': `P${i}` });
        expect(res.status).toBe(201);
        ids.push(((await res.json()) as { id: string }).id);
      }
      await eventually(async () => ((await replicas('jobs-converter')) ?? 0) >= 1, {
        what: 'the converter out of zero',
        timeoutMs: 30_000,
      });
      for (const id of ids) expect((await media2.settled(uploader, id, 240_000)).status).toBe('ready');
      await eventually(async () => (await replicas('jobs-converter')) === 0, {
        what: 'back to zero after the cooldown',
        timeoutMs: 60_000,
      });
      const notes = (await scaledNotes()).filter((n) => n.startsWith('converter:'));
      expect(notes.some((n) => /backlog \d+ .*: 0 → [1-3]/.test(n))).toBe(true);
      expect(notes.some((n) => /idle for 8s: \d → 0/.test(n))).toBe(true);
      console.log(`converter events:\n  ${notes.join('\n  ')}`);

      // Broker unreachable: the platform's Secret now names a port nothing listens on. Hold at 0, and say why.
      await core.replaceNamespacedSecret({
        namespace: ns,
        name: 'amqp',
        body: { metadata: { name: 'amqp' }, stringData: { url: 'amqp://guest:guest@127.0.0.1:1' } },
      });
      const held = await eventually(
        async () => {
          const s = await autoscaling('jobs', 'converter');
          return s?.conditions.find((c) => c.type === 'ScalingActive' && c.status === 'False') && s;
        },
        { what: 'ScalingActive=False for the converter', timeoutMs: 30_000 },
      );
      expect(held.decision).toBe('cannot read the queue backlog: holding 0');
      expect(await replicas('jobs-converter')).toBe(0);
    } finally {
      await pods.stop();
      await media2.dispose().catch(() => undefined);
    }
  });
});
