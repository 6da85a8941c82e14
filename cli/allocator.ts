import { existsSync } from 'node:fs';
import { JEMALLOC_IMAGE_PATH, MALLOC_VARIABLES, mallocEnv } from '../lib/process/malloc.js';

/**
 * Where Debian's libjemalloc2 (and other distributions' jemalloc) put the
 * library: the image's link first, then the multiarch directories.
 */
export const JEMALLOC_CANDIDATES = [
  JEMALLOC_IMAGE_PATH,
  '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2',
  '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2',
  '/usr/lib64/libjemalloc.so.2',
  '/usr/lib/libjemalloc.so.2',
];

/** The pods' allocator environment as this machine can give it: its own jemalloc, or glibc's settings alone. */
export function hostMallocEnv(exists: (path: string) => boolean = existsSync): Record<string, string> {
  return mallocEnv(JEMALLOC_CANDIDATES.find(exists));
}

/**
 * The environment to run `enlarger dev` again with, so that it gets the
 * allocator every pod gets (lib/process/malloc.ts): jemalloc when this
 * machine has it, else glibc's settings; undefined to run as it is. The
 * allocator is chosen once, before any JavaScript runs, so a process can
 * only have it from its parent. Any of its variables already set, LD_PRELOAD
 * included (another allocator, or an empty one to keep glibc), is the
 * caller's choice and is kept; it also stops the child from running itself
 * again. Off Linux there is no glibc or LD_PRELOAD to set.
 */
export function mallocReexecEnv(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  exists: (path: string) => boolean = existsSync,
): NodeJS.ProcessEnv | undefined {
  if (platform !== 'linux') return undefined;
  if (MALLOC_VARIABLES.some((name) => env[name] !== undefined)) return undefined;
  return { ...env, ...hostMallocEnv(exists) };
}
