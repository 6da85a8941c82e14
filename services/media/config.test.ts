import { describeLogFormat } from '../../test/support/log-format.js';
import { describe, expect, it } from 'vitest';
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
