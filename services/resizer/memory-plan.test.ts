import { describe, expect, it } from 'vitest';
import { loadResizerConfig } from './config.js';
import { RESIZER_MEMORY, resizerMemoryPlan } from './memory-plan.js';

const MiB = 1024 ** 2;
const { runtimeBytes, retainedNativeBytes } = RESIZER_MEMORY;
const total = (p: ReturnType<typeof resizerMemoryPlan>) =>
  runtimeBytes +
  retainedNativeBytes +
  p.outputCacheBytes +
  p.sourceCacheBytes +
  p.overlayCacheBytes +
  p.renderBytes;

describe('resizerMemoryPlan', () => {
  it('shares the default 1 GiB pod: 160 runtime + 256 retained + 165/164/36 caches + 243 renders', () => {
    const plan = resizerMemoryPlan(1024 * MiB);
    expect(plan).toEqual({
      outputCacheBytes: 165 * MiB,
      sourceCacheBytes: 164 * MiB,
      overlayCacheBytes: 36 * MiB,
      renderBytes: 243 * MiB,
    });
    expect(total(plan)).toBe(1024 * MiB);
  });

  it('is what the resizer defaults to with nothing set, as in `enlarger dev`', () => {
    const c = loadResizerConfig({});
    expect([
      c.outputCacheBytes,
      c.photos.sourceCacheBytes,
      c.overlays.cacheBytes,
      c.limiter.memoryBytes,
      c.render.memoryBytes,
    ]).toEqual([165 * MiB, 164 * MiB, 36 * MiB, 243 * MiB, 243 * MiB]);
  });

  it('keeps one ordinary render in a small pod and gives the caches what is left', () => {
    // 512 MiB less 416 leaves 96: 40 % (38 MiB) is under the 64 MiB floor, the caches share 32.
    const plan = resizerMemoryPlan(512 * MiB);
    expect(plan).toEqual({
      outputCacheBytes: 15 * MiB,
      sourceCacheBytes: 14 * MiB,
      overlayCacheBytes: 3 * MiB,
      renderBytes: 64 * MiB,
    });
    expect(total(plan)).toBe(512 * MiB);
  });

  it('scales caches and renders with a large pod', () => {
    const plan = resizerMemoryPlan(4096 * MiB);
    expect(plan).toEqual({
      outputCacheBytes: 995 * MiB,
      sourceCacheBytes: 993 * MiB,
      overlayCacheBytes: 220 * MiB,
      renderBytes: 1472 * MiB,
    });
    expect(total(plan)).toBe(4096 * MiB);
  });

  it('takes an output cache sized by hand from the renders, never below 64 MiB', () => {
    expect(resizerMemoryPlan(1024 * MiB, 64 * MiB)).toEqual({
      outputCacheBytes: 64 * MiB,
      sourceCacheBytes: 164 * MiB,
      overlayCacheBytes: 36 * MiB,
      renderBytes: 344 * MiB,
    });
    // 1 GiB can spare no 400 MiB output cache: the renders keep their floor and the plan passes the limit.
    expect(resizerMemoryPlan(1024 * MiB, 400 * MiB).renderBytes).toBe(64 * MiB);
  });

  it('gives a pod below runtime + retained only the render floor', () => {
    expect(resizerMemoryPlan(256 * MiB)).toEqual({
      outputCacheBytes: 0,
      sourceCacheBytes: 0,
      overlayCacheBytes: 0,
      renderBytes: 64 * MiB,
    });
  });
});
