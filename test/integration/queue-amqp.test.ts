import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UnrecoverableError } from '../../lib/errors.js';
import { AmqpTaskQueue, type AmqpQueueOptions } from '../../lib/queue/amqp-queue.js';
import { deadLetterQueueName, topology } from '../../lib/queue/amqp-topology.js';
import { QueueUnavailableError, type TaskContext } from '../../lib/queue/queue.js';
import { describeTaskQueue, type ConformanceTask } from '../support/conformance/task-queue.js';
import { testEnv, uniqueName } from '../support/env.js';
import { brokerConnections, management } from '../support/processes.js';

interface Task {
  id: number;
}

// A side connection that inspects and cleans up queues behind the adapter's back.
let admin: ChannelModel;
let adminChannel: Channel;
const opened: Array<{ queue: AmqpTaskQueue<Task>; name: string; delaysMs: number[] }> = [];

beforeAll(async () => {
  admin = await connect(testEnv().AMQP_URL);
  adminChannel = await admin.createChannel();
});

afterAll(async () => {
  await admin?.close();
});

afterEach(async () => {
  for (const { queue, name, delaysMs } of opened.splice(0)) {
    await queue.close();
    const { main, deadLetter, retries } = topology(name, delaysMs);
    for (const q of [main, deadLetter, ...retries.values()]) await adminChannel.deleteQueue(q.name);
  }
});

/** A queue with its own random name and fast retries, deleted after the test. */
async function openQueue(options: Partial<AmqpQueueOptions> = {}): Promise<AmqpTaskQueue<Task>> {
  const name = options.queue ?? uniqueName('it-queue');
  const retry = options.retry ?? { maxAttempts: 3, delaysMs: [200, 400] };
  const queue = await AmqpTaskQueue.connect<Task>({
    url: testEnv().AMQP_URL,
    queue: name,
    retry,
    connectionName: name,
    reconnectInitialDelayMs: 100,
    reconnectMaxDelayMs: 1_000,
    ...options,
  });
  opened.push({ queue, name, delaysMs: retry.delaysMs });
  return queue;
}

async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function messageCount(queue: string): Promise<number> {
  return (await adminChannel.checkQueue(queue)).messageCount;
}

async function takeOne(queue: string): Promise<GetMessage> {
  let msg: GetMessage | false = false;
  await waitFor(
    `a message in ${queue}`,
    async () => (msg = await adminChannel.get(queue, { noAck: true })) !== false,
  );
  return msg as unknown as GetMessage;
}

/** Closes the connection named `connectionName` from the broker side, as a broker restart or network cut would. */
async function killConnection(connectionName: string): Promise<void> {
  let serverName: string | undefined;
  await waitFor(`connection ${connectionName} in the management API`, async () => {
    serverName = (await brokerConnections()).get(connectionName);
    return serverName !== undefined;
  });
  const res = await management(`connections/${encodeURIComponent(serverName!)}`, {
    method: 'DELETE',
    headers: { 'x-reason': 'integration test' },
  });
  expect(res.status).toBe(204);
}

describeTaskQueue('AMQP (RabbitMQ)', async ({ prefetch, retry }) => {
  const name = uniqueName('it-conformance');
  const queue = await AmqpTaskQueue.connect<ConformanceTask>({
    url: testEnv().AMQP_URL,
    queue: name,
    retry,
    prefetch,
    connectionName: name,
  });
  const dispose = async () => {
    const { main, deadLetter, retries } = topology(name, retry.delaysMs);
    for (const q of [main, deadLetter, ...retries.values()]) await adminChannel.deleteQueue(q.name);
  };
  return { queue, dispose };
});

// What only a broker shows: the dead-letter headers, connection drops, redelivery, startup and publish timeouts.
describe('AmqpTaskQueue', () => {
  it('publishes with confirms and consumes with manual acks', async () => {
    const queue = await openQueue({ prefetch: 4 });
    const name = opened[0]!.name;
    for (let id = 0; id < 20; id++) await queue.publish({ id });
    expect(await queue.depth()).toBe(20);

    const seen: number[] = [];
    const contexts: TaskContext[] = [];
    await queue.consume(async (task, context) => {
      seen.push(task.id);
      contexts.push(context);
      await sleep(5);
    });
    await waitFor('all 20 tasks', () => seen.length === 20);
    expect([...seen].sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(contexts.every((c) => c.attempt === 1 && !c.final)).toBe(true);
    expect(queue.healthy()).toBe(true);

    // Acked, not just delivered: after close nothing is left or requeued.
    await queue.close();
    expect(queue.healthy()).toBe(false);
    expect(await messageCount(name)).toBe(0);
    await expect(queue.publish({ id: 99 })).rejects.toThrow('closed');
  });

  it('dead-letters an UnrecoverableError at once, with the reason', async () => {
    const queue = await openQueue();
    let calls = 0;
    await queue.consume(() => {
      calls++;
      return Promise.reject(new UnrecoverableError('not an image'));
    });
    await queue.publish({ id: 7 });
    const dead = await takeOne(deadLetterQueueName(opened[0]!.name));
    expect(JSON.parse(dead.content.toString())).toEqual({ id: 7 });
    expect(dead.properties.headers).toMatchObject({
      'x-attempt': 1,
      'x-last-error': 'unrecoverable: not an image',
    });
    expect(calls).toBe(1);
  });

  it('dead-letters a task whose retries are exhausted', async () => {
    const queue = await openQueue({ retry: { maxAttempts: 3, delaysMs: [100] } });
    const contexts: TaskContext[] = [];
    await queue.consume((_task, context) => {
      contexts.push(context);
      return Promise.reject(new Error('still broken'));
    });
    await queue.publish({ id: 8 });
    const dead = await takeOne(deadLetterQueueName(opened[0]!.name));
    expect(contexts).toEqual([
      { attempt: 1, final: false },
      { attempt: 2, final: false },
      { attempt: 3, final: true },
    ]);
    expect(dead.properties.headers).toMatchObject({
      'x-attempt': 3,
      'x-last-error': 'gave up after 3 attempts: still broken',
    });
  });

  it('keeps consuming and publishing across a broker-side connection drop', async () => {
    const queue = await openQueue();
    const name = opened[0]!.name;
    const seen: number[] = [];
    await queue.consume((task) => {
      seen.push(task.id);
      return Promise.resolve();
    });
    await queue.publish({ id: 1 });
    await waitFor('task 1', () => seen.includes(1));

    await killConnection(name);
    await waitFor('the drop to be noticed', () => !queue.healthy());
    // Published while disconnected: waits for the reconnect instead of failing.
    await queue.publish({ id: 2 });
    expect(queue.healthy()).toBe(true);
    await queue.publish({ id: 3 });
    await waitFor('tasks 2 and 3', () => seen.includes(2) && seen.includes(3));
  });

  it('redelivers a task whose consumer channel died before the ack, counting it as an attempt', async () => {
    const queue = await openQueue();
    const name = opened[0]!.name;
    const calls: TaskContext[] = [];
    let releaseFirst!: () => void;
    const firstBlocked = new Promise<void>((resolve) => (releaseFirst = resolve));
    await queue.consume(async (_task, context) => {
      calls.push(context);
      // The first delivery hangs until its channel is gone.
      if (calls.length === 1) await firstBlocked;
    });
    await queue.publish({ id: 5 });
    await waitFor('the first delivery', () => calls.length === 1);

    await killConnection(name);
    await waitFor('the redelivery', () => calls.length === 2);
    // The lost delivery counts as a failed attempt and waits out its retry
    // delay: a task that kills its consumer must not come back forever.
    expect(calls[1]).toEqual({ attempt: 2, final: false });
    // The stale handler finishing late must not break anything (its ack has no channel).
    releaseFirst();
    await sleep(200);
    expect(queue.healthy()).toBe(true);
    expect(await messageCount(name)).toBe(0);
    expect(await messageCount(deadLetterQueueName(name))).toBe(0);
  });

  it('gives up at startup on an unreachable broker only when startupRetries says so', async () => {
    const url = new URL(testEnv().AMQP_URL);
    url.port = '1'; // nothing listens there
    await expect(
      AmqpTaskQueue.connect({
        url: url.toString(),
        queue: uniqueName('unreachable'),
        startupRetries: 1,
        reconnectInitialDelayMs: 50,
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('rejects a publish with QueueUnavailableError when the broker stays away past the timeout', async () => {
    // The first reconnect is scheduled far beyond the publish timeout.
    const queue = await openQueue({ publishTimeoutMs: 500, reconnectInitialDelayMs: 10_000 });
    await killConnection(opened[0]!.name);
    await waitFor('the drop to be noticed', () => !queue.healthy());
    const started = Date.now();
    await expect(queue.publish({ id: 1 })).rejects.toBeInstanceOf(QueueUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
