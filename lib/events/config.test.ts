import { describe, expect, it } from 'vitest';
import { parseEnv } from '../config/parse-env.js';
import { eventsEnvSchema, webhookConfigFromEnv, webhookEnvSchema } from './config.js';

describe('events config', () => {
  it('defaults to the enlarger.events exchange and no webhook', () => {
    expect(parseEnv(eventsEnvSchema, {})).toEqual({ EVENTS_EXCHANGE: 'enlarger.events' });
    expect(webhookConfigFromEnv(parseEnv(webhookEnvSchema, {}))).toBeUndefined();
  });

  it('reads a webhook with its retry ladder', () => {
    const env = {
      EVENTS_WEBHOOK_URL: 'https://site.example/hooks',
      EVENTS_WEBHOOK_SECRET: 'whsec-0123456789abcdef',
      EVENTS_WEBHOOK_QUEUE: 'site.webhook',
      EVENTS_WEBHOOK_MAX_ATTEMPTS: '5',
      EVENTS_WEBHOOK_RETRY_DELAYS_MS: '100,200',
      EVENTS_WEBHOOK_TIMEOUT_MS: '3000',
    };
    expect(webhookConfigFromEnv(parseEnv(webhookEnvSchema, env))).toEqual({
      url: 'https://site.example/hooks',
      key: 'whsec-0123456789abcdef',
      queue: 'site.webhook',
      retry: { maxAttempts: 5, delaysMs: [100, 200] },
      timeoutMs: 3000,
    });
  });

  it('names the variable and the format when one is wrong', () => {
    expect(() => parseEnv(eventsEnvSchema, { EVENTS_EXCHANGE: 'no spaces' })).toThrow(/EVENTS_EXCHANGE/);
    expect(() => parseEnv(webhookEnvSchema, { EVENTS_WEBHOOK_SECRET: 'short' })).toThrow(
      /EVENTS_WEBHOOK_SECRET must be at least 16 characters/,
    );
  });

  it('never repeats the webhook key in a config error, which would put it in the logs', () => {
    expect(() => parseEnv(webhookEnvSchema, { EVENTS_WEBHOOK_SECRET: 'short-secret' })).toThrow(
      'EVENTS_WEBHOOK_SECRET must be at least 16 characters, got a value not shown',
    );
  });
});
