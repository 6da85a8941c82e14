import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The release version has one owner, package.json's `version`: the image tag, the
 * chart's version and appVersion (`make version-stamp`), `enlarger --version` and
 * `enlarger_build_info` all come from it. The image ships package.json beside
 * dist/, so it is read at run time rather than baked into the code.
 */
export function packageVersion(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  // lib/build/ from source (tsx), dist/lib/build/ in the image: walk up to the package's own file.
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = packageJson.parse(JSON.parse(readFileSync(file, 'utf8')));
      if (pkg.name === 'enlarger') return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`no enlarger package.json above ${from}`);
  }
}

const packageJson = z.object({ name: z.string().optional(), version: z.string().default('0.0.0') });

/**
 * The commit the image was built from: the Dockerfile's `ENLARGER_COMMIT` build
 * argument, kept as an env var of the same name. A field for each config schema
 * that exports build info; `unknown` for a build that did not stamp one (`make dev`).
 */
export const commitEnv = {
  ENLARGER_COMMIT: z
    .string()
    .trim()
    .regex(/^([0-9a-f]{7,40}|unknown)$/, {
      message: 'must be a git commit (7 to 40 hex digits) or "unknown"',
    })
    .default('unknown'),
};

/** What `enlarger_build_info` reports. */
export interface BuildInfo {
  version: string;
  commit: string;
}
