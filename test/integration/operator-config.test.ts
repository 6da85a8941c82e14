import type { ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRetryPolicy } from '../../lib/queue/queue.js';
import { COMPONENTS, type Component } from '../../operator/api/names.js';
import { signPath } from '../../services/resizer/request/signature.js';
import { withNamespace } from '../support/cluster.js';
import { Constellation } from '../support/constellation.js';
import { uniqueName } from '../support/env.js';
import { installCrds, kubeClients, startOperator, type OperatorProcess } from '../support/kube-operator.js';
import { createLiveSecrets, liveStorage, platformsIn } from '../support/platforms.js';
import { realPhotosDir } from '../support/photos.js';
import { resolvePodEnv, runContainer } from '../support/local-pod.js';
import { buildCli, freePort, killAndWait } from '../support/processes.js';
import { eventually } from '../support/wait.js';

const { kc, core, apps, custom } = kubeClients();
const SIZES = [
  { name: 'thumb', width: 200, height: 200, fit: 'cover', format: 'webp', quality: 70 },
  { name: 'wide', width: 640, fit: 'inside', format: 'jpeg', quality: 80 },
];

function smallestRealJpeg(): string {
  const dir = realPhotosDir();
  const [smallest] = readdirSync(dir)
    .filter((n) => /\.jpe?g$/i.test(n))
    .map((n) => path.join(dir, n))
    .sort((a, b) => statSync(a).size - statSync(b).size);
  if (!smallest) throw new Error(`no JPEG in ${dir}`);
  return smallest;
}

// No kubelet here: the services run as local processes with the env their pods would get.
describe('the config the operator renders', () => {
  const ns = uniqueName('imgp-config');
  const platforms = platformsIn(custom, ns);
  // The rendered env keeps the services' default retry delays; dispose() must delete those queues.
  const c = new Constellation({ QUEUE_RETRY_DELAYS_MS: defaultRetryPolicy.delaysMs.join(',') });
  const signingKey = uniqueName('signing-key');
  const processes: ChildProcess[] = [];
  let operator: OperatorProcess;
  let dropNamespace: () => Promise<void>;

  beforeAll(async () => {
    await installCrds();
    await Promise.all([c.createBucket(), buildCli()]);
    dropNamespace = await withNamespace(kc, ns);
    await createLiveSecrets(core, ns, signingKey);
    operator = startOperator(ns, 'op-config');
    await operator.port;
  });
  afterAll(async () => {
    await Promise.all(processes.map((p) => killAndWait(p, 'SIGTERM')));
    await operator?.stop();
    await dropNamespace?.();
    await c.dispose();
  });

  it('runs media, converter and resizer: an upload goes through to a resized image', async () => {
    await platforms.create({
      apiVersion: 'enlarger.dev/v1alpha1',
      kind: 'ImagePlatform',
      metadata: { name: 'live' },
      spec: {
        storage: liveStorage(c.bucket),
        queue: { urlSecretRef: { name: 'amqp', key: 'url' }, name: c.queueName, prefetch: 1 },
        media: { replicas: 1, maxUploadBytes: 10_000_000 },
        converter: { replicas: 1, master: { maxEdge: 1024, format: 'jpeg', quality: 85 }, sizes: SIZES },
        resizer: { replicas: 1, signingSecretRef: { name: 'signing', key: 'keys' } },
      },
    });

    const urls: Partial<Record<Component, string>> = {};
    const admins: string[] = [];
    for (const component of COMPONENTS) {
      const deployment = await eventually(
        () => apps.readNamespacedDeployment({ namespace: ns, name: `live-${component}` }),
        { what: `Deployment live-${component}` },
      );
      const container = deployment.spec!.template.spec!.containers[0]!;
      const env = await resolvePodEnv(core, ns, container);
      // Only where to listen changes: the pod's ports and all interfaces become free loopback ports.
      const prefix = component.toUpperCase();
      const containerPort = (name: string) => container.ports?.find((p) => p.name === name)?.containerPort;
      expect(env[`${prefix}_ADMIN_PORT`]).toBe(String(containerPort('admin')));
      const [port, adminPort] = [await freePort(), await freePort()];
      const publicPort = containerPort('http');
      if (publicPort !== undefined) expect(env[`${prefix}_PORT`]).toBe(String(publicPort));
      processes.push(
        runContainer(container, {
          ...env,
          ...(publicPort === undefined ? {} : { [`${prefix}_PORT`]: String(port) }),
          [`${prefix}_ADMIN_PORT`]: String(adminPort),
          [`${prefix}_HOST`]: '127.0.0.1',
        }),
      );
      urls[component] = `http://127.0.0.1:${port}`;
      admins.push(`http://127.0.0.1:${adminPort}`);
    }
    for (const admin of admins) {
      await eventually(async () => (await fetch(`${admin}/readyz`)).ok, { what: `${admin}/readyz` });
    }

    const upload = await c.upload(urls.media!, await readFile(smallestRealJpeg()), {
      'content-type': 'image/jpeg',
    });
    expect(upload.status).toBe(201);
    const { id } = (await upload.json()) as { id: string };
    const photo = await c.settled(urls.media!, id);
    expect(photo.status).toBe('ready');
    // The sizes and master the converter made are the ones in the ImagePlatform.
    expect(photo.conversions.map((r) => [r.name, r.format])).toEqual(SIZES.map((s) => [s.name, s.format]));
    expect(Math.max(photo.master!.width, photo.master!.height)).toBeLessThanOrEqual(1024);

    const resized = await fetch(`${urls.resizer}${signPath(signingKey, `/v1/photos/${id}?w=300&fmt=webp`)}`);
    expect(resized.status).toBe(200);
    const meta = await sharp(Buffer.from(await resized.arrayBuffer())).metadata();
    expect({ format: meta.format, width: meta.width }).toEqual({ format: 'webp', width: 300 });
    // The signing key came from the Secret: an unsigned URL is refused.
    expect((await fetch(`${urls.resizer}/v1/photos/${id}?w=300`)).status).toBe(403);
  });
});
