import { describe, expect, it } from 'vitest';
import { JEMALLOC_CANDIDATES, mallocReexecEnv } from './allocator.js';

const JEMALLOC = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
const has =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe('mallocReexecEnv', () => {
  it("adds the pods' allocator, jemalloc tuned, where this machine has it, keeping the rest", () => {
    expect(mallocReexecEnv({ PATH: '/usr/bin', DATA_DIR: './data' }, 'linux', has(JEMALLOC))).toEqual({
      PATH: '/usr/bin',
      DATA_DIR: './data',
      LD_PRELOAD: JEMALLOC,
      MALLOC_CONF: 'background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0',
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '4194304',
    });
  });

  it("prefers the image's link, and falls back to glibc's settings alone without jemalloc", () => {
    expect(mallocReexecEnv({}, 'linux', has(JEMALLOC, JEMALLOC_CANDIDATES[0]!))!.LD_PRELOAD).toBe(
      JEMALLOC_CANDIDATES[0],
    );
    expect(mallocReexecEnv({}, 'linux', has())).toEqual({
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '4194304',
    });
  });

  it('keeps a choice already made: any allocator setting, or a preloaded (even an empty) LD_PRELOAD', () => {
    for (const chosen of [
      { MALLOC_ARENA_MAX: '8' },
      { MALLOC_MMAP_THRESHOLD_: '131072' },
      { MALLOC_CONF: 'narenas:1' },
      { LD_PRELOAD: JEMALLOC },
      { LD_PRELOAD: '' },
    ]) {
      expect(mallocReexecEnv({ PATH: '/usr/bin', ...chosen }, 'linux', has(JEMALLOC))).toBeUndefined();
    }
  });

  it('runs once: the environment it returns asks for no second run, with jemalloc or without', () => {
    for (const exists of [has(JEMALLOC), has()]) {
      const env = mallocReexecEnv({}, 'linux', exists)!;
      expect(mallocReexecEnv(env, 'linux', exists)).toBeUndefined();
    }
  });

  it('leaves a platform without glibc alone', () => {
    expect(mallocReexecEnv({}, 'darwin', has(JEMALLOC))).toBeUndefined();
  });
});
