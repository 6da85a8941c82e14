import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../config/parse-env.js';
import { queueConfigFromEnv, queueEnvSchema } from './config.js';
import { createQueue } from './create-queue.js';
import { MemoryTaskQueue } from './memory-queue.js';

describe('queue config', () => {
  it('defaults to AMQP on localhost with the default retry policy', () => {
    expect(queueConfigFromEnv(parseEnv(queueEnvSchema, {}))).toEqual({
      kind: 'amqp',
      url: 'amqp://guest:guest@127.0.0.1:5672',
      queue: 'enlarger.convert',
      type: 'quorum',
      prefetch: 1,
      retry: { maxAttempts: 8, delaysMs: [1_000, 5_000, 30_000, 120_000] },
      publishTimeoutMs: 10_000,
    });
  });

  it('reads every variable', () => {
    const env = {
      QUEUE_KIND: 'memory',
      QUEUE_PREFETCH: '4',
      QUEUE_MAX_ATTEMPTS: '3',
      QUEUE_RETRY_DELAYS_MS: '10, 20,30',
    };
    expect(queueConfigFromEnv(parseEnv(queueEnvSchema, env))).toEqual({
      kind: 'memory',
      prefetch: 4,
      retry: { maxAttempts: 3, delaysMs: [10, 20, 30] },
    });
  });

  it('reads a broker list, the queue type and TLS material for AMQP', () => {
    const env = {
      AMQP_URL: 'amqps://app:pw@rabbit-0:5671, amqps://app:pw@rabbit-1:5671',
      QUEUE_TYPE: 'classic',
      AMQP_TLS_CA: '-----BEGIN CERTIFICATE-----\nca\n',
      AMQP_TLS_KEY: 'key',
    };
    expect(queueConfigFromEnv(parseEnv(queueEnvSchema, env))).toMatchObject({
      kind: 'amqp',
      url: 'amqps://app:pw@rabbit-0:5671, amqps://app:pw@rabbit-1:5671',
      type: 'classic',
      tls: { ca: '-----BEGIN CERTIFICATE-----\nca\n', key: 'key' },
    });
  });

  it('puts AMQP_USERNAME and AMQP_PASSWORD into every broker URL, escaped', () => {
    const env = {
      AMQP_URL: 'amqp://rabbit-0:5672,amqp://old:creds@rabbit-1:5672/vh',
      AMQP_USERNAME: 'app',
      AMQP_PASSWORD: 'p@ss/word',
    };
    expect(queueConfigFromEnv(parseEnv(queueEnvSchema, env))).toMatchObject({
      url: 'amqp://app:p%40ss%2Fword@rabbit-0:5672,amqp://app:p%40ss%2Fword@rabbit-1:5672/vh',
    });
  });

  it('names the variable and the expected format on bad input', () => {
    const bad = {
      QUEUE_KIND: 'kafka',
      QUEUE_PREFETCH: '0',
      QUEUE_RETRY_DELAYS_MS: '1s,2s',
      QUEUE_NAME: 'a b',
      QUEUE_TYPE: 'mirrored',
      AMQP_URL: 'amqp://a,http://b',
    };
    const error = (() => {
      try {
        parseEnv(queueEnvSchema, bad);
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'QUEUE_KIND must be memory or amqp, got "kafka"',
      'AMQP_URL must be amqp:// or amqps:// URLs separated by commas, got "amqp://a,http://b"',
      'QUEUE_TYPE must be quorum or classic, got "mirrored"',
      'QUEUE_NAME must be 1-200 letters, digits, ".", "_" or "-", got "a b"',
      'QUEUE_PREFETCH must be a positive integer, got "0"',
      'QUEUE_RETRY_DELAYS_MS must be a comma-separated list of milliseconds like 1000,5000,30000, got "1s,2s"',
    ]);
  });

  it('builds an in-process queue for kind memory', async () => {
    const queue = createQueue({ kind: 'memory', prefetch: 2, retry: { maxAttempts: 1, delaysMs: [] } });
    expect(queue).toBeInstanceOf(MemoryTaskQueue);
    await queue.close();
  });
});
