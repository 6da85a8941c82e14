import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config/parse-env.js';
import { describeLogFormat } from '../../test/support/log-format.js';
import { loadResizerConfig } from './config.js';

describe('loadResizerConfig', () => {
  it('defaults to port 8081, two slots and no signing keys', () => {
    const config = loadResizerConfig({});
    expect([config.port, config.limiter.slots, config.handler.signingKeys, config.storage.kind]).toEqual([
      8081,
      2,
      [],
      'fs',
    ]);
  });

  it('reads rotating keys in order', () => {
    expect(loadResizerConfig({ SIGNING_KEYS: 'new, old' }).handler.signingKeys).toEqual(['new', 'old']);
  });

  it('names each bad variable and what it expects', () => {
    let error: unknown;
    try {
      loadResizerConfig({
        RESIZER_SLOTS: 'abc',
        RESIZER_WATERMARK_POSITION: 'left',
        RESIZER_OUTPUT_CACHE_BYTES: 'lots',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('RESIZER_SLOTS must be a positive integer, got "abc"');
    expect(problems).toContain('RESIZER_WATERMARK_POSITION must be one of');
    expect(problems).toContain('RESIZER_OUTPUT_CACHE_BYTES must be a byte size');
  });
});

describeLogFormat('resizer', (env) => loadResizerConfig(env).logFormat);
