import { connect, type Channel, type ChannelModel } from 'amqplib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../../lib/queue/amqp-topology.js';
import { Constellation, type PhotoStatus } from '../support/constellation.js';
import { testEnv, uniqueName } from '../support/env.js';
import { startServiceProcess } from '../support/media-process.js';
import { buildCli, freePort, management, runCliToExit } from '../support/processes.js';
import { eventually } from '../support/wait.js';

const PHOTOS = 3;

async function queueType(name: string): Promise<string> {
  const res = await management(`queues/%2F/${encodeURIComponent(name)}`);
  return ((await res.json()) as { type: string }).type;
}

/**
 * README "Moving to quorum queues", on the real RabbitMQ: a platform of the
 * classic era leaves tasks in its classic `enlarger.convert`; the upgraded
 * (quorum) platform refuses that name loudly, and under a new name its
 * pending sweep carries the old tasks' photos across. Nothing is lost and
 * nothing is consumed silently.
 */
describe('upgrading from a classic queue to quorum queues', () => {
  // The classic era: its queue and bucket are this constellation's.
  const c = new Constellation({ QUEUE_TYPE: 'classic', LOG_LEVEL: 'warn' });
  const newName = uniqueName('it-convert-q');
  const ids: string[] = [];
  let admin: ChannelModel;
  let channel: Channel;

  beforeAll(async () => {
    admin = await connect(testEnv().AMQP_URL);
    channel = await admin.createChannel();
    await buildCli();
    await c.createBucket();
  });
  afterAll(async () => {
    await c.dispose();
    const { main, deadLetter, retries } = topology(
      newName,
      c.env.QUEUE_RETRY_DELAYS_MS!.split(',').map(Number),
    );
    for (const q of [main, deadLetter, ...retries.values()]) await channel?.deleteQueue(q.name);
    await admin?.close();
  });

  it('the classic era: uploads accepted, their tasks waiting in the classic queue', async () => {
    // No converter runs, as when the upgrade starts with work still queued.
    const media = await startServiceProcess('media', 'MEDIA_PORT', c.env);
    try {
      for (let i = 0; i < PHOTOS; i++) {
        const body = await sharp({
          create: { width: 80, height: 60, channels: 3, background: { r: 40 * i, g: 90, b: 200 } },
        })
          .jpeg()
          .toBuffer();
        const res = await c.upload(media.url, body);
        expect(res.status).toBe(201);
        ids.push(((await res.json()) as PhotoStatus).id);
      }
    } finally {
      await media.stop();
    }
    expect(await queueType(c.queueName)).toBe('classic');
    expect((await channel.checkQueue(c.queueName)).messageCount).toBe(PHOTOS);
  });

  it('the upgraded platform under the old name: media and converter exit 1 naming the ways across', async () => {
    const quorum = { ...c.env, QUEUE_TYPE: 'quorum', CONVERTER_ADMIN_PORT: String(await freePort()) };
    const [converter, media] = await Promise.all([
      runCliToExit('converter', quorum),
      runCliToExit('media', { ...quorum, MEDIA_ADMIN_PORT: String(await freePort()) }),
    ]);
    for (const { code, stderr } of [converter, media]) {
      expect(code).toBe(1);
      expect(stderr).toContain(`queue "${c.queueName}" already exists on the broker`);
      expect(stderr).toContain('set QUEUE_TYPE=classic (spec.queue.type: classic)');
      expect(stderr).toContain('README "Moving to quorum queues"');
    }
    // Nothing was taken off the old queue, and it is still classic.
    expect(await queueType(c.queueName)).toBe('classic');
    expect((await channel.checkQueue(c.queueName)).messageCount).toBe(PHOTOS);
  });

  it("under a new queue name, media's pending sweep carries the old tasks' photos across", async () => {
    // spec.queue.name set to a new name, the type left at its default (quorum).
    const upgraded = {
      QUEUE_TYPE: 'quorum',
      QUEUE_NAME: newName,
      // README's route waits MEDIA_SWEEP_AFTER_SECONDS (300); a second here.
      MEDIA_SWEEP_AFTER_SECONDS: '1',
      MEDIA_SWEEP_INTERVAL_SECONDS: '1',
    };
    await c.startConverter(upgraded);
    const media = await c.startMedia(upgraded);
    for (const id of ids) expect((await c.settled(media, id, 120_000)).status).toBe('ready');
    await eventually(async () => (await c.keys('pending/')).length === 0, {
      what: 'no pending markers left',
    });
    expect(await queueType(newName)).toBe('quorum');
    // The old queue's copies are now stale (their photos are ready): README says delete it.
    expect((await channel.checkQueue(c.queueName)).messageCount).toBe(PHOTOS);
  });
});
