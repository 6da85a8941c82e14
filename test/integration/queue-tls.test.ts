import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpTaskQueue, type AmqpQueueOptions } from '../../lib/queue/amqp-queue.js';
import { uniqueName } from '../support/env.js';
import { eventually } from '../support/wait.js';

const run = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/rabbitmq-tls.sh');
// The node's certificate names localhost, so the URL must too.
const URL = 'amqps://guest:guest@localhost:5711';

interface Task {
  id: number;
}

async function tls(command: string): Promise<string> {
  const { stdout } = await run(SCRIPT, [command], { timeout: 170_000 });
  return stdout.trim().split('\n').at(-1) ?? '';
}

/** Publishes one task and waits for it to come back through the consumer, then closes the queue. */
async function roundTrip(options: Partial<AmqpQueueOptions>): Promise<void> {
  const queue = await AmqpTaskQueue.connect<Task>({
    url: URL,
    queue: uniqueName('it-tls'),
    startupRetries: 0,
    ...options,
  });
  try {
    const seen: number[] = [];
    await queue.consume((task) => {
      seen.push(task.id);
      return Promise.resolve();
    });
    await queue.publish({ id: 1 });
    await eventually(() => seen.includes(1), { what: 'the task over TLS' });
  } finally {
    await queue.close();
  }
}

// The node is our own (scripts/rabbitmq-tls.sh), with certificates made for this run.
describe('AMQP over TLS', () => {
  let certs: { ca: string; cert: string; key: string };

  beforeAll(async () => {
    const dir = await tls('up');
    const read = (file: string) => readFile(path.join(dir, file), 'utf8');
    certs = { ca: await read('ca.pem'), cert: await read('client.pem'), key: await read('client-key.pem') };
  });
  afterAll(() => tls('down'));

  it('connects with amqps:// and the CA that signed the broker', async () => {
    await roundTrip({ tls: { ca: certs.ca } });
  });

  it('presents a client certificate when given one; the broker, verifying peers, sees its subject', async () => {
    const queue = await AmqpTaskQueue.connect<Task>({
      url: URL,
      queue: uniqueName('it-tls-client'),
      tls: certs,
      startupRetries: 0,
    });
    try {
      expect(await tls('peers')).toBe('CN=enlarger-client');
    } finally {
      await queue.close();
    }
    await roundTrip({ tls: certs });
  });

  it('refuses a broker whose certificate no trusted CA signed', async () => {
    await expect(
      AmqpTaskQueue.connect<Task>({ url: URL, queue: uniqueName('it-tls-untrusted'), startupRetries: 0 }),
    ).rejects.toThrow(/self[- ]signed certificate/);
  });
});
