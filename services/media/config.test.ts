import { describe, expect, it } from 'vitest';
import { describeLogFormat } from '../../test/support/log-format.js';
import { loadMediaConfig } from './config.js';

// Every process reads LOG_FORMAT through its own config; the cases are shared.
describeLogFormat('media', (env) => loadMediaConfig(env).logFormat);

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
