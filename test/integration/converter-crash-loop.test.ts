import { readFile } from 'node:fs/promises';
import { connect } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTEMPT_HEADER, ERROR_HEADER, deadLetterQueueName } from '../../lib/queue/amqp-topology.js';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { testEnv } from '../support/env.js';
import { largeProgressivePhoto } from '../support/photos.js';
import { buildCli, freePort, killAndWait, metricValue, spawnCli } from '../support/processes.js';
import { eventually } from '../support/wait.js';

const MAX_ATTEMPTS = 3;

/**
 * A task that kills the converter process (an OOM kill or a crash in native
 * code, not an exception) is redelivered by the broker every time. Here each
 * real converter child process is SIGKILLed as soon as it starts on the
 * task, as such a task would do; the redeliveries must count as attempts and
 * end in the dead-letter queue, with the photo marked failed.
 */
describe('a task that kills its converter (child processes on RabbitMQ and S3)', () => {
  const c = new Constellation({ QUEUE_MAX_ATTEMPTS: String(MAX_ATTEMPTS), QUEUE_RETRY_DELAYS_MS: '200' });
  let media: string;

  beforeAll(async () => {
    await buildCli();
    await c.createBucket();
    media = await c.startMedia();
  });
  afterAll(() => c.dispose());

  it(`is dead-lettered after ${MAX_ATTEMPTS} crashes and its photo marked failed`, async () => {
    const res = await c.upload(media, await readFile(await largeProgressivePhoto()));
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as PhotoStatus;

    for (let crash = 1; crash <= MAX_ATTEMPTS; crash++) {
      const port = await freePort();
      const converter = spawnCli('converter', { ...c.env, CONVERTER_ADMIN_PORT: String(port) });
      try {
        await eventually(
          async () =>
            ((await metricValue(`http://127.0.0.1:${port}`, 'enlarger_converter_tasks_in_flight')) ?? 0) > 0,
          { intervalMs: 20, what: `the task in flight before crash ${crash}` },
        );
      } finally {
        await killAndWait(converter, 'SIGKILL');
      }
      expect((await c.status(media, id)).status).toBe('processing');
    }

    // The next converter gets the last redelivery and gives up on it instead of running it again.
    const port = await freePort();
    const survivor = spawnCli('converter', { ...c.env, CONVERTER_ADMIN_PORT: String(port) });
    try {
      const photo = await c.settled(media, id, 30_000);
      expect(photo).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('crashed the converter') as unknown,
      });
      expect(await c.keys(`pending/`)).toEqual([]);
      const dead = await takeOne(deadLetterQueueName(c.queueName));
      expect(dead).toMatchObject({
        task: { photoId: id },
        attempt: MAX_ATTEMPTS,
        error: expect.stringMatching(/^gave up after 3 attempts: redelivered/) as unknown,
      });
      expect(survivor.exitCode).toBeNull();
      expect(await metricValue(`http://127.0.0.1:${port}`, 'enlarger_converter_tasks_in_flight')).toBe(0);
    } finally {
      await killAndWait(survivor, 'SIGTERM');
    }
  });
});

/** Takes the one message of `queue` (waiting for it) and returns its task and headers. */
async function takeOne(queue: string) {
  const amqp = await connect(testEnv().AMQP_URL);
  try {
    const channel = await amqp.createChannel();
    const msg = await eventually(async () => (await channel.get(queue, { noAck: true })) || undefined, {
      timeoutMs: 10_000,
      what: `a message in ${queue}`,
    });
    return {
      task: JSON.parse(msg.content.toString('utf8')) as unknown,
      attempt: msg.properties.headers?.[ATTEMPT_HEADER] as unknown,
      error: msg.properties.headers?.[ERROR_HEADER] as unknown,
    };
  } finally {
    await amqp.close();
  }
}
