import { describe, expect, it } from 'vitest';
import { mallocReexecEnv } from './allocator.js';

describe('mallocReexecEnv', () => {
  it("adds the pods' malloc settings to an environment that has none, keeping the rest", () => {
    expect(mallocReexecEnv({ PATH: '/usr/bin', DATA_DIR: './data' }, 'linux')).toEqual({
      PATH: '/usr/bin',
      DATA_DIR: './data',
      MALLOC_ARENA_MAX: '2',
      MALLOC_MMAP_THRESHOLD_: '4194304',
    });
  });

  it('keeps a choice already made: any malloc setting, or a preloaded (even an empty) LD_PRELOAD', () => {
    for (const chosen of [
      { MALLOC_ARENA_MAX: '8' },
      { MALLOC_MMAP_THRESHOLD_: '131072' },
      { LD_PRELOAD: '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2' },
      { LD_PRELOAD: '' },
    ]) {
      expect(mallocReexecEnv({ PATH: '/usr/bin', ...chosen }, 'linux')).toBeUndefined();
    }
  });

  it('runs once: the environment it returns asks for no second run', () => {
    const env = mallocReexecEnv({}, 'linux')!;
    expect(mallocReexecEnv(env, 'linux')).toBeUndefined();
  });

  it('leaves a platform without glibc alone', () => {
    expect(mallocReexecEnv({}, 'darwin')).toBeUndefined();
  });
});
