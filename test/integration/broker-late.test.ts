import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { startProxy, type StallableProxy } from '../support/control-plane.js';
import { testEnv } from '../support/env.js';
import { startServiceProcess, type ServiceProcess } from '../support/media-process.js';
import { buildCli, freePort } from '../support/processes.js';
import { eventually } from '../support/wait.js';

/** Connection attempts after which the services used to give up and exit 1 (1 + 5 startup retries). */
const OLD_STARTUP_ATTEMPTS = 6;

/**
 * A pod that starts before its broker (a node restart, a rollout of both)
 * must wait for it, not exit: `enlarger converter` and `enlarger media` run
 * as child processes against an AMQP_URL where nothing listens yet; later a
 * proxy to the real RabbitMQ opens on that port, as the broker coming up.
 */
describe('media and converter started while the broker is down (child processes)', () => {
  const c = new Constellation({
    // Publishes give up fast, and the sweep re-enqueues soon, so the test need not wait minutes.
    QUEUE_PUBLISH_TIMEOUT_MS: '1000',
    MEDIA_SWEEP_AFTER_SECONDS: '1',
    MEDIA_SWEEP_INTERVAL_SECONDS: '1',
    LOG_LEVEL: 'info',
  });
  let brokerPort: number;
  let broker: StallableProxy | undefined;
  let media: ServiceProcess;
  let converter: ServiceProcess;

  beforeAll(async () => {
    await buildCli();
    await c.createBucket();
    brokerPort = await freePort();
    const late = new URL(testEnv().AMQP_URL);
    late.port = String(brokerPort);
    const env = { ...c.env, AMQP_URL: late.toString() };
    [media, converter] = await Promise.all([
      startServiceProcess('media', 'MEDIA_PORT', env),
      startServiceProcess('converter', 'CONVERTER_PORT', env),
    ]);
  });
  afterAll(async () => {
    await Promise.all([media?.stop(), converter?.stop()]);
    await broker?.close();
    await c.dispose();
  });

  const failedAttempts = (p: ServiceProcess) => p.logs.filter((l) => l.msg === 'connect failed').length;
  const readyz = async (p: ServiceProcess) => {
    const res = await fetch(`${p.admin}/readyz`);
    return { status: res.status, body: (await res.json()) as { dependencies: Record<string, unknown> } };
  };

  it('keep retrying past the old startup limit, up and the converter not ready', async () => {
    await eventually(
      () => failedAttempts(converter) > OLD_STARTUP_ATTEMPTS && failedAttempts(media) > OLD_STARTUP_ATTEMPTS,
      { timeoutMs: 180_000, what: `more than ${OLD_STARTUP_ATTEMPTS} failed connection attempts each` },
    );
    expect(converter.child.exitCode).toBeNull();
    expect(media.child.exitCode).toBeNull();
    expect((await fetch(`${converter.admin}/healthz`)).status).toBe(200);
    const converterReady = await readyz(converter);
    expect(converterReady.status).toBe(503);
    expect(converterReady.body.dependencies.queue).toMatchObject({
      ok: false,
      error: 'not connected to the broker',
    });
    // Media's readiness is storage only (README): an upload is stored and swept onto the queue later.
    expect((await readyz(media)).status).toBe(200);
  });

  it('connect once the broker answers, and the upload taken meanwhile is converted', async () => {
    const body = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#3a7' } })
      .jpeg()
      .toBuffer();
    const res = await c.upload(media.url, body);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as PhotoStatus;

    broker = await startProxy(Number(new URL(testEnv().AMQP_URL).port || 5672), brokerPort);
    await eventually(async () => (await readyz(converter)).status === 200, {
      timeoutMs: 120_000,
      what: 'the converter ready',
    });
    expect((await c.settled(media.url, id, 120_000)).status).toBe('ready');
    expect(converter.logs.some((l) => l.msg === 'converter consuming')).toBe(true);
    expect(converter.child.exitCode).toBeNull();
    expect(media.child.exitCode).toBeNull();
  });
});
