import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config/parse-env.js';

/**
 * The LOG_FORMAT cases every process's config must pass: each reads the
 * variable through its own schema, so each must default it and name it when
 * wrong. Shared so each service's config test and the operator's check the
 * same thing, and lib/ imports none of them.
 */
export function describeLogFormat(name: string, load: (env: Record<string, string>) => string): void {
  describe(`LOG_FORMAT in the ${name} config`, () => {
    it('defaults to auto', () => {
      expect(load({})).toBe('auto');
    });

    it('takes json and pretty', () => {
      expect(load({ LOG_FORMAT: 'json' })).toBe('json');
      expect(load({ LOG_FORMAT: 'pretty' })).toBe('pretty');
    });

    it('refuses anything else, naming the variable', () => {
      expect(() => load({ LOG_FORMAT: 'yaml' })).toThrow(ConfigError);
      expect(() => load({ LOG_FORMAT: 'yaml' })).toThrow(
        'LOG_FORMAT must be auto, json or pretty, got "yaml"',
      );
    });
  });
}
