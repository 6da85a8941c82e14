import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, uniqueName } from '../support/env.js';

// Proves the RabbitMQ the suite runs against is real: confirms come from the
// broker and an unacked message really is redelivered.
describe('RabbitMQ (smoke)', () => {
  const queue = uniqueName('smoke');
  let connection: amqp.ChannelModel;

  beforeAll(async () => {
    connection = await amqp.connect(testEnv().AMQP_URL);
  });

  afterAll(async () => {
    const ch = await connection.createChannel();
    await ch.deleteQueue(queue);
    await connection.close();
  });

  it('publishes with confirms to a durable queue and consumes with manual ack', async () => {
    const pub = await connection.createConfirmChannel();
    await pub.assertQueue(queue, { durable: true });
    const bodies = ['one', 'two', 'three'];
    for (const body of bodies) pub.sendToQueue(queue, Buffer.from(body), { persistent: true });
    await pub.waitForConfirms();

    const { messageCount } = await pub.checkQueue(queue);
    expect(messageCount).toBe(3);

    const sub = await connection.createChannel();
    await sub.prefetch(1);
    const received: string[] = [];
    let nackedOnce = false;
    await new Promise<void>((resolve) => {
      void sub.consume(queue, (msg) => {
        if (!msg) return;
        // Refuse the first delivery: the broker must hand it out again.
        if (!nackedOnce) {
          nackedOnce = true;
          sub.nack(msg, false, true);
          return;
        }
        received.push(msg.content.toString());
        sub.ack(msg);
        if (received.length === bodies.length) resolve();
      });
    });
    expect(received.sort()).toEqual([...bodies].sort());
    expect((await sub.checkQueue(queue)).messageCount).toBe(0);
    await sub.close();
    await pub.close();
  });
});
