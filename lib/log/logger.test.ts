import { describe, expect, it } from 'vitest';
import { loadConverterConfig } from '../../services/converter/config.js';
import { loadMediaConfig } from '../../services/media/config.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { describeLogFormat } from '../../test/support/log-format.js';
import { chooseLogFormat } from './logger.js';

describe('chooseLogFormat', () => {
  it.each([
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['json', true, 'json'],
    ['json', false, 'json'],
    ['pretty', true, 'pretty'],
    ['pretty', false, 'pretty'],
  ] as const)('%s with a terminal: %s gives %s', (setting, tty, expected) => {
    expect(chooseLogFormat(setting, tty)).toBe(expected);
  });
});

// Every service reads LOG_FORMAT through its own config (the operator's is in operator/config.test.ts).
describeLogFormat('media', (env) => loadMediaConfig(env).logFormat);
describeLogFormat('converter', (env) => loadConverterConfig(env).logFormat);
describeLogFormat('resizer', (env) => loadResizerConfig(env).logFormat);
