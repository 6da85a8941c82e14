import { describe, expect, it } from 'vitest';
import { describeLogFormat } from '../../test/support/log-format.js';
import type { ConfigError } from '../../lib/config/parse-env.js';
import { loadMediaConfig, MIN_UPLOAD_KEY_LENGTH } from './config.js';

// Every process reads LOG_FORMAT through its own config; the cases are shared.
describeLogFormat('media', (env) => loadMediaConfig(env).logFormat);

describe('MEDIA_UPLOAD_KEYS', () => {
  const key = 'k'.repeat(MIN_UPLOAD_KEY_LENGTH);

  it('is empty unless set: uploads are open', () => {
    expect(loadMediaConfig({}).uploadKeys).toEqual([]);
  });

  it('lists the keys, the signing one first', () => {
    expect(loadMediaConfig({ MEDIA_UPLOAD_KEYS: `${key}1, ${key}2` }).uploadKeys).toEqual([
      `${key}1`,
      `${key}2`,
    ]);
  });

  it('refuses a short key without printing any key', () => {
    const problems = (() => {
      try {
        loadMediaConfig({ MEDIA_UPLOAD_KEYS: `${key},short-secret` });
      } catch (err) {
        return (err as ConfigError).problems;
      }
    })();
    expect(problems).toEqual([
      'MEDIA_UPLOAD_KEYS.1 must be comma-separated keys of at least 32 characters each, got a value not shown',
    ]);
  });
});

describe('media config', () => {
  it('refuses a webhook URL without a key: media would POST events the site cannot trust', () => {
    expect(() => loadMediaConfig({ EVENTS_WEBHOOK_URL: 'https://site.example/hooks' })).toThrow(
      /EVENTS_WEBHOOK_SECRET.*is required when EVENTS_WEBHOOK_URL is set/,
    );
  });

  it('reads the events exchange and the webhook', () => {
    const config = loadMediaConfig({
      EVENTS_EXCHANGE: 'site.events',
      EVENTS_WEBHOOK_URL: 'https://site.example/hooks',
      EVENTS_WEBHOOK_SECRET: 'whsec-0123456789abcdef',
    });
    expect(config.eventsExchange).toBe('site.events');
    expect(config.webhook).toMatchObject({
      url: 'https://site.example/hooks',
      queue: 'enlarger.events.webhook',
    });
  });
});
