import { MALLOC_ENV } from '../lib/process/malloc.js';

/** Variables any of which means the allocator was chosen before this process started. */
const CHOSEN = ['LD_PRELOAD', ...Object.keys(MALLOC_ENV)];

/**
 * The environment to run `enlarger dev` again with, so that it gets the
 * malloc settings every pod gets (lib/process/malloc.ts); undefined to run as
 * it is. glibc reads them once, before any JavaScript runs, so a process can
 * only have them from its parent. Any of them already set, LD_PRELOAD
 * included (a preloaded allocator, or an empty one to keep glibc's
 * defaults), is the caller's choice and is kept; it also stops the child from
 * running itself again. Off Linux there is no glibc to read them.
 */
export function mallocReexecEnv(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): NodeJS.ProcessEnv | undefined {
  if (platform !== 'linux') return undefined;
  if (CHOSEN.some((name) => env[name] !== undefined)) return undefined;
  return { ...env, ...MALLOC_ENV };
}
