import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import type { BuildInfo } from '../../lib/build/version.js';

/**
 * What every process's config must do with its build info (enlarger_build_info):
 * the version is package.json's, the commit is ENLARGER_COMMIT, checked by its
 * own schema. Shared like describeLogFormat, so each config test checks the same.
 */
export function describeBuildInfo(name: string, load: (env: Record<string, string>) => BuildInfo): void {
  describe(`build info in the ${name} config`, () => {
    it('reports package.json version and the stamped commit, unknown when there is none', () => {
      expect(load({ ENLARGER_COMMIT: '446f3fe' })).toEqual({ version: pkg.version, commit: '446f3fe' });
      expect(load({}).commit).toBe('unknown');
    });

    it('refuses a commit that is not one, naming the variable', () => {
      expect(() => load({ ENLARGER_COMMIT: 'main' })).toThrow(
        'ENLARGER_COMMIT must be a git commit (7 to 40 hex digits) or "unknown", got "main"',
      );
    });
  });
}
