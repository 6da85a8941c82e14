import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventTap } from '../../test/support/events.js';
import { eventually } from '../../test/support/wait.js';
import { kindEnv } from './config.js';
import {
  dropSuiteState,
  examplePlatform,
  kubectl,
  kubectlApply,
  prepareSample,
  signed,
  smallCpu,
  suiteNames,
} from './support.js';

/**
 * Issue 20's takedown on real pods, through the Services: upload → the
 * `photo.ready` event on the platform's RabbitMQ → DELETE through the media
 * Service with an admin key from `spec.media.adminKeysSecretRef` → 404 from
 * every resizer pod behind the resizer Service, within 2 s of the answer.
 */
describe('takedown on kind', () => {
  const env = kindEnv();
  const suite = suiteNames('kind-takedown');
  const { ns, suffix, bucket, queueName } = suite;
  const exchange = `enlarger.events.${suffix}`;
  const signingKey = randomBytes(32).toString('hex');
  const adminKey = randomBytes(32).toString('base64');
  let tap: EventTap;
  let media = '';
  let resizer = '';

  const platform = () => {
    const sample = examplePlatform(suite);
    sample.spec.events = { ...sample.spec.events, exchange };
    sample.spec.media = { ...sample.spec.media, adminKeysSecretRef: { name: 'photos-admin', key: 'keys' } };
    sample.spec.converter = {
      ...sample.spec.converter,
      resources: smallCpu('1Gi', { cpu: '100m', memory: '512Mi' }),
    };
    // Two resizer pods: the takedown must reach each one's caches, not just the one that answered.
    sample.spec.resizer = {
      ...sample.spec.resizer,
      autoscaling: { enabled: false },
      replicas: 2,
      resources: smallCpu('1Gi', { cpu: '100m', memory: '256Mi' }),
    };
    return JSON.stringify(sample);
  };
  const serviceUrl = (name: string) =>
    `http://${kubectl('-n', ns, 'get', 'svc', name, '-o', 'jsonpath={.spec.clusterIP}').trim()}`;

  beforeAll(async () => {
    await prepareSample(ns, bucket, signingKey);
    kubectl('-n', ns, 'create', 'secret', 'generic', 'photos-admin', `--from-literal=keys=${adminKey}`);
    tap = await EventTap.open(env.KIND_AMQP_HOST_URL, exchange);
  });

  afterAll(async () => {
    await tap?.close();
    kubectl('delete', 'namespace', ns, '--wait=false', '--ignore-not-found');
    await dropSuiteState(bucket, queueName);
    const amqp = await connect(env.KIND_AMQP_HOST_URL);
    await (await amqp.createChannel()).deleteExchange(exchange);
    await amqp.close();
  });

  it('becomes Ready with admin keys and the resizer subscribed to the events exchange', async () => {
    kubectlApply(ns, platform());
    kubectl('-n', ns, 'wait', '--for=condition=Ready', 'imageplatform/photos', '--timeout=300s');
    media = serviceUrl('photos-media');
    resizer = serviceUrl('photos-resizer');
    for (const url of [media, resizer]) {
      await eventually(
        async () => (await fetch(`${url}/v1/photos/none`).catch(() => undefined)) !== undefined,
        {
          timeoutMs: 60_000,
          what: `${url} to be routed`,
        },
      );
    }
  });

  it('takes an uploaded photo down: photo.ready, DELETE 204, photo.deleted, 404 from every resizer pod within 2 s', async () => {
    const body = await sharp({ create: { width: 1600, height: 1000, channels: 3, background: '#446688' } })
      .jpeg()
      .toBuffer();
    const res = await fetch(`${media}/v1/photos`, { method: 'POST', body });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await tap.waitFor('photo.ready', id, 240_000);

    const url = `${resizer}${signed(signingKey, `/v1/photos/${id}`, { w: '320', fmt: 'jpeg' })}`;
    // Enough requests that both pods behind the Service have it cached.
    for (let i = 0; i < 10; i++) {
      const answer = await fetch(url);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('surrogate-key')).toBe(`photo-${id}`);
      await answer.arrayBuffer();
    }

    const refused = await fetch(`${media}/v1/photos/${id}`, { method: 'DELETE' });
    expect(refused.status).toBe(401);
    const deleted = await fetch(`${media}/v1/photos/${id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${adminKey}` },
    });
    expect(deleted.status).toBe(204);
    const answered = performance.now();
    await tap.waitFor('photo.deleted', id);
    // Ten 404s in a row: the Service spreads them over both pods.
    let streak = 0;
    const ms = await eventually(
      async () => {
        streak = (await fetch(url)).status === 404 ? streak + 1 : 0;
        return streak >= 10 ? performance.now() - answered : undefined;
      },
      { intervalMs: 20, timeoutMs: 60_000, what: 'every resizer pod to answer 404' },
    );
    console.log(
      `kind takedown: DELETE answer → ten 404s in a row through the resizer Service: ${ms.toFixed(0)} ms`,
    );
    expect(ms).toBeLessThan(2_000);
    expect((await fetch(`${media}/v1/photos/${id}`)).status).toBe(404);
  });
});
