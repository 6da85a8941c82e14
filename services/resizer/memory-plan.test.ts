import { describe, expect, it } from 'vitest';
import { resizerMemoryPlan } from './memory-plan.js';

const MiB = 1024 ** 2;

describe('resizerMemoryPlan', () => {
  it('splits the default 1 GiB pod: 128 headroom, 160 runtime, 256 retained, the 480 MiB left to caches and renders', () => {
    expect(resizerMemoryPlan(1024 * MiB)).toEqual({
      outputCacheBytes: 120 * MiB,
      sourceCacheBytes: 120 * MiB,
      overlayCacheBytes: 48 * MiB,
      renderBytes: 192 * MiB,
    });
  });

  it('grows the caches and the renders with the limit, the fixed parts staying put', () => {
    // 2048 - 256 headroom - 160 - 256 = 1376 MiB: a quarter each to output and source, a tenth to overlays.
    expect(resizerMemoryPlan(2048 * MiB)).toEqual({
      outputCacheBytes: 344 * MiB,
      sourceCacheBytes: 344 * MiB,
      overlayCacheBytes: 144284057,
      renderBytes: 1376 * MiB - 688 * MiB - 144284057,
    });
  });

  it('gives the renders what a cache sized by hand leaves', () => {
    expect(resizerMemoryPlan(1024 * MiB, { outputCacheBytes: 64 * MiB })).toEqual({
      outputCacheBytes: 64 * MiB,
      sourceCacheBytes: 120 * MiB,
      overlayCacheBytes: 48 * MiB,
      renderBytes: 248 * MiB,
    });
    expect(
      resizerMemoryPlan(1024 * MiB, { outputCacheBytes: 0, sourceCacheBytes: 0, overlayCacheBytes: 0 }),
    ).toEqual({ outputCacheBytes: 0, sourceCacheBytes: 0, overlayCacheBytes: 0, renderBytes: 480 * MiB });
  });

  it('keeps 64 MiB of renders when the caches or a small limit leave less', () => {
    expect(resizerMemoryPlan(1024 * MiB, { outputCacheBytes: 400 * MiB })).toEqual({
      outputCacheBytes: 400 * MiB,
      sourceCacheBytes: 120 * MiB,
      overlayCacheBytes: 48 * MiB,
      renderBytes: 64 * MiB,
    });
    // 512 - 64 - 160 - 256 = 32 MiB left.
    expect(resizerMemoryPlan(512 * MiB)).toEqual({
      outputCacheBytes: 8 * MiB,
      sourceCacheBytes: 8 * MiB,
      overlayCacheBytes: 3355443,
      renderBytes: 64 * MiB,
    });
  });

  it('adds up to the limit less its headroom', () => {
    const plan = resizerMemoryPlan(1024 * MiB);
    const planned = plan.outputCacheBytes + plan.sourceCacheBytes + plan.overlayCacheBytes + plan.renderBytes;
    expect(planned + 160 * MiB + 256 * MiB).toBe(896 * MiB);
  });
});
