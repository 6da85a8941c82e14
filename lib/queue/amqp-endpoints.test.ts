import { describe, expect, it } from 'vitest';
import { AmqpEndpoints, amqpUrlProblem, backoffMs, redact, splitAmqpUrls } from './amqp-endpoints.js';

describe('AmqpEndpoints', () => {
  it('reads every field of the current broker through one address object, and moves on in turn', () => {
    const endpoints = new AmqpEndpoints(
      splitAmqpUrls('amqp://app:s%40cret@10.0.0.1:5673/prod?heartbeat=10, amqps://node-b.example'),
    );
    const address = endpoints.address();
    expect({ ...address }).toEqual({
      protocol: 'amqp',
      hostname: '10.0.0.1',
      port: 5673,
      username: 'app',
      password: 's@cret',
      vhost: 'prod',
      heartbeat: 10,
      frameMax: undefined,
      channelMax: undefined,
    });
    endpoints.advance();
    // The same object now reads the second broker: amqplib keeps the object, not its fields.
    expect([address.protocol, address.hostname, address.port, address.username, address.vhost]).toEqual([
      'amqps',
      'node-b.example',
      5671,
      'guest',
      '',
    ]);
    expect(endpoints.label).toBe('node-b.example:5671');
    endpoints.advance();
    expect(endpoints.label).toBe('10.0.0.1:5673');
  });

  it('refuses an empty list and names each bad URL without its password', () => {
    expect(() => new AmqpEndpoints([])).toThrow('no broker given');
    expect(() => new AmqpEndpoints(['http://u:pw@h', 'amqp://ok'])).toThrow(
      'AMQP URL: "http://u:***@h" must start with amqp:// or amqps://',
    );
    expect(amqpUrlProblem('not a url')).toBe('"not a url" is not a URL');
    expect(redact('amqp://user:pw@host:5672')).toBe('amqp://user:***@host:5672');
  });
});

describe('backoffMs', () => {
  it('doubles from the first delay and stays within the jitter band and under the cap', () => {
    for (let i = 0; i < 50; i++) {
      const first = backoffMs(1, 200, 10_000);
      expect(first).toBeGreaterThanOrEqual(160);
      expect(first).toBeLessThanOrEqual(240);
      const third = backoffMs(3, 200, 10_000);
      expect(third).toBeGreaterThanOrEqual(640);
      expect(third).toBeLessThanOrEqual(960);
      expect(backoffMs(30, 200, 10_000)).toBeLessThanOrEqual(10_000);
    }
  });
});
