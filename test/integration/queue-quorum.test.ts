import { connect, type Channel, type ChannelModel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AmqpTaskQueue } from '../../lib/queue/amqp-queue.js';
import { DELIVERY_LIMIT, QueueMismatchError, topology } from '../../lib/queue/amqp-topology.js';
import { QueueBacklogReader } from '../../operator/autoscale/queue-backlog.js';
import { createLogger } from '../../lib/log/logger.js';
import { testEnv, uniqueName } from '../support/env.js';
import { management } from '../support/processes.js';
import { eventually } from '../support/wait.js';

interface Task {
  id: number;
}

let admin: ChannelModel;
let channel: Channel;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  admin = await connect(testEnv().AMQP_URL);
  channel = await admin.createChannel();
});
afterAll(() => admin?.close());
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Deletes every queue of `name`'s topology after the test. */
function forget(name: string, delaysMs: number[]): void {
  cleanup.push(async () => {
    const { main, deadLetter, retries } = topology(name, delaysMs);
    for (const q of [main, deadLetter, ...retries.values()]) await channel.deleteQueue(q.name);
  });
}

async function open(name: string, options: { type?: 'quorum' | 'classic'; prefetch?: number } = {}) {
  const queue = await AmqpTaskQueue.connect<Task>({
    url: testEnv().AMQP_URL,
    queue: name,
    retry: { maxAttempts: 3, delaysMs: [200] },
    reconnectInitialDelayMs: 100,
    ...options,
  });
  cleanup.push(() => queue.close());
  return queue;
}

describe('quorum queues on the real broker', () => {
  it('declares the main, retry and dead-letter queues as quorum queues', async () => {
    const name = uniqueName('it-quorum');
    forget(name, [200]);
    await open(name);
    const types: Record<string, unknown> = {};
    const { main, deadLetter, retries } = topology(name, [200]);
    for (const q of [main, deadLetter, ...retries.values()]) {
      const res = await management(`queues/%2F/${encodeURIComponent(q.name)}`);
      types[q.name] = ((await res.json()) as { type: string }).type;
    }
    expect(types).toEqual({
      [name]: 'quorum',
      [`${name}.dlq`]: 'quorum',
      [`${name}.retry.200ms`]: 'quorum',
    });
  });

  it('refuses to start on a classic queue of the same name, saying how to move across, and starts with type classic', async () => {
    const name = uniqueName('it-migrate');
    forget(name, [200]);
    // What an older release left behind: a classic queue holding a task.
    await channel.assertQueue(name, { durable: true });
    channel.sendToQueue(name, Buffer.from('{"id":1}'), { persistent: true });

    const started = Date.now();
    const refused = await open(name).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(QueueMismatchError);
    expect((refused as Error).message).toContain(`queue "${name}" already exists`);
    expect((refused as Error).message).toContain('QUEUE_TYPE=classic');
    // Fails at once rather than after the startup retries.
    expect(Date.now() - started).toBeLessThan(3_000);

    const classic = await open(name, { type: 'classic' });
    const seen: number[] = [];
    await classic.consume((task) => {
      seen.push(task.id);
      return Promise.resolve();
    });
    await eventually(() => seen.includes(1), { what: 'the old task consumed from the classic queue' });
  });

  it(`dead-letters a task after ${DELIVERY_LIMIT} unsettled deliveries, counting each in x-delivery-count`, async () => {
    const name = uniqueName('it-limit');
    forget(name, [200]);
    const queue = await open(name);
    await queue.publish({ id: 9 });
    // A consumer that never settles: each requeue is a lost delivery to the broker.
    const counts: unknown[] = [];
    for (let i = 0; i <= DELIVERY_LIMIT; i++) {
      const msg = await eventually(() => channel.get(name), { what: `delivery ${i + 1}` });
      counts.push(msg.properties.headers?.['x-delivery-count']);
      channel.nack(msg, false, true);
    }
    // 3.10 sends the header from the first delivery on, 0 until one is lost.
    expect(counts.slice(0, 3)).toEqual([0, 1, 2]);
    const dead = await eventually(() => channel.get(`${name}.dlq`, { noAck: true }), { what: 'the DLQ' });
    expect(JSON.parse(dead.content.toString())).toEqual({ id: 9 });
    expect(dead.properties.headers?.['x-death']).toMatchObject([{ reason: 'delivery_limit', queue: name }]);
    expect(await queue.depth()).toBe(0);
  });

  it('reopens its connection when the broker nacks a publish, and publishes once the broker takes messages again', async () => {
    const name = uniqueName('it-nack');
    forget(name, [200]);
    const queue = await open(name);
    // A policy capping the queue's length: with the topology's reject-publish
    // overflow, the broker nacks every publish past it.
    const policy = `/policies/%2F/${name}`;
    const put = await management(policy.slice(1), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pattern: `^${name}$`, 'apply-to': 'queues', definition: { 'max-length': 1 } }),
    });
    expect(put.ok).toBe(true);
    cleanup.push(() => management(policy.slice(1), { method: 'DELETE' }));
    await eventually(
      async () => {
        const res = await management(`queues/%2F/${encodeURIComponent(name)}`);
        return (
          ((await res.json()) as { effective_policy_definition?: Record<string, unknown> })
            .effective_policy_definition?.['max-length'] === 1
        );
      },
      { what: 'the policy to apply' },
    );
    // A quorum queue checks its length before taking a message, so it holds two.
    await queue.publish({ id: 1 });
    await queue.publish({ id: 2 });
    expect(queue.stats.connections).toBe(1);

    const third = queue.publish({ id: 3 });
    await eventually(() => queue.stats.connections >= 2, {
      what: 'a new connection after the nack',
      intervalMs: 20,
    });
    // The broker takes messages again: the retried publish lands on the new connection.
    await channel.purgeQueue(name);
    await third;
    expect((await channel.checkQueue(name)).messageCount).toBe(1);
  });

  it('counts only ready messages in a passive declare: what the autoscaler and depth() read', async () => {
    const name = uniqueName('it-backlog');
    forget(name, [200]);
    const queue = await open(name, { prefetch: 3 });
    for (let id = 0; id < 10; id++) await queue.publish({ id });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    await queue.consume(async () => {
      started++;
      await held;
    });
    await eventually(() => started === 3, { what: 'three tasks in flight' });
    const reader = new QueueBacklogReader(createLogger({ level: 'silent' }));
    cleanup.push(() => reader.close());
    // 3 delivered and unacked, 7 ready.
    expect(await reader.read('it', testEnv().AMQP_URL, name)).toEqual({ messages: 7 });
    expect(await queue.depth()).toBe(7);
    release();
  });
});
