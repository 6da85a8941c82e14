import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { describeLogFormat } from '../test/support/log-format.js';
import { loadOperatorConfig } from './config.js';

// The operator reads LOG_FORMAT through its own config, like every service (each service's config.test.ts).
describeLogFormat('operator', (env) => loadOperatorConfig(env).logFormat);

describe('build info', () => {
  it('reports package.json version and the stamped commit', () => {
    const build = loadOperatorConfig({ ENLARGER_COMMIT: '446f3fe' }).build;
    expect(build).toEqual({ version: pkg.version, commit: '446f3fe' });
    expect(loadOperatorConfig({}).build.commit).toBe('unknown');
  });

  it('refuses a commit that is not one', () => {
    expect(() => loadOperatorConfig({ ENLARGER_COMMIT: 'main' })).toThrow(
      'ENLARGER_COMMIT must be a git commit (7 to 40 hex digits) or "unknown", got "main"',
    );
  });
});
