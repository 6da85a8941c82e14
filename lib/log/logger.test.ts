import { describe, expect, it } from 'vitest';
import { loadOperatorConfig } from '../../operator/config.js';
import { loadConverterConfig } from '../../services/converter/config.js';
import { loadMediaConfig } from '../../services/media/config.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { ConfigError } from '../config/parse-env.js';
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

// Every process reads LOG_FORMAT through its own config; each must default it and name it when wrong.
describe.each([
  ['media', (env: Record<string, string>) => loadMediaConfig(env).logFormat],
  ['converter', (env: Record<string, string>) => loadConverterConfig(env).logFormat],
  ['resizer', (env: Record<string, string>) => loadResizerConfig(env).logFormat],
  ['operator', (env: Record<string, string>) => loadOperatorConfig(env).logFormat],
])('LOG_FORMAT in the %s config', (_name, load) => {
  it('defaults to auto', () => {
    expect(load({})).toBe('auto');
  });

  it('takes json and pretty', () => {
    expect(load({ LOG_FORMAT: 'json' })).toBe('json');
    expect(load({ LOG_FORMAT: 'pretty' })).toBe('pretty');
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => load({ LOG_FORMAT: 'yaml' })).toThrow(ConfigError);
    expect(() => load({ LOG_FORMAT: 'yaml' })).toThrow('LOG_FORMAT must be auto, json or pretty, got "yaml"');
  });
});
