import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { uniqueName } from './env.js';

/** The recipe sites include, loaded unchanged. */
export const RECIPE_VCL = path.resolve(import.meta.dirname, '../../deploy/cdn/varnish/enlarger.vcl');

/** The varnishd scripts/varnish.sh started: where it listens and its instance directory (`-n`). */
export interface VarnishInstance {
  url: string;
  workdir: string;
}

/** A VCL loaded and made active in that varnishd; `dispose` puts its boot VCL back and drops it. */
export interface ActiveVcl {
  url: (pathAndQuery: string) => string;
  dispose: () => Promise<void>;
}

const varnishadm = (workdir: string, ...args: string[]) =>
  promisify(execFile)('varnishadm', ['-n', workdir, ...args]);

/**
 * Makes `varnish` cache the resizer on `backendPort` with `recipe` (the
 * shipped VCL, or null for Varnish's plain defaults): a small main VCL
 * naming the backend and including the recipe file, as deploy/cdn/varnish/
 * default.vcl does, loaded under a name of its own.
 */
export async function useVcl(
  varnish: VarnishInstance,
  backendPort: number,
  recipe: string | null = RECIPE_VCL,
): Promise<ActiveVcl> {
  const dir = await mkdtemp(path.join(tmpdir(), 'enlarger-vcl-'));
  const file = path.join(dir, 'main.vcl');
  await writeFile(
    file,
    [
      'vcl 4.1;',
      `backend resizer { .host = "127.0.0.1"; .port = "${backendPort}"; .first_byte_timeout = 15s; }`,
      recipe ? `include "${recipe}";` : '',
    ].join('\n'),
  );
  const name = uniqueName('enlarger').replace('-', '_');
  await varnishadm(varnish.workdir, 'vcl.load', name, file);
  await varnishadm(varnish.workdir, 'vcl.use', name);
  return {
    url: (pathAndQuery) => `${varnish.url}${pathAndQuery}`,
    async dispose() {
      await varnishadm(varnish.workdir, 'vcl.use', 'boot');
      // A VCL stays busy while its last requests finish; discarding later is harmless to retry.
      await varnishadm(varnish.workdir, 'vcl.state', name, 'cold').catch(() => undefined);
      await varnishadm(varnish.workdir, 'vcl.discard', name).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
