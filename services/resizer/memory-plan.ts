const MiB = 1024 ** 2;

/**
 * What a resizer process must hold besides its caches and the renders in
 * flight, measured by `make soak-memory` (BENCHMARKS.md, "Memory").
 */
export const RESIZER_MEMORY = {
  /** V8 heap, Node, libvips' code and thread stacks: RSS before the first request was 120–161 MiB. */
  runtimeBytes: 160 * MiB,
  /**
   * Native memory the allocator keeps after large decodes and encodes end,
   * with the pods' malloc settings (lib/process/malloc.ts): no budget sees
   * it. The soak measured RSS less heap and Buffers at 220–420 MiB, up to
   * ~300 MiB past its ~120 MiB baseline, which `runtimeBytes` already holds;
   * without this allowance the default pod peaked at 1,136 MiB of 1 GiB.
   */
  retainedNativeBytes: 256 * MiB,
  /**
   * The renders' share of what runtime and retained memory leave. 40 % of a
   * 1 GiB pod is 243 MiB, which holds every `resizer-render-bombs` case: the
   * budget only shrinks the largest outputs, and two bombs plus an ordinary
   * request need about 100 MiB together.
   */
  renderShare: 0.4,
  /** The least render budget: one ordinary render must always fit, whatever the pod. */
  minRenderBytes: 64 * MiB,
  /** Shares of what the renders leave, for the caches not sized by hand. */
  cacheShares: { source: 0.45, overlay: 0.1 },
} as const;

/** How a resizer process spends its memory limit. */
export interface ResizerMemoryPlan {
  outputCacheBytes: number;
  sourceCacheBytes: number;
  overlayCacheBytes: number;
  /** What the renders running at once may hold together (RESIZER_RENDER_MEMORY_BYTES). */
  renderBytes: number;
}

/**
 * Splits `limitBytes` (the pod's memory limit): runtime and the allocator's
 * retained memory come off first, the renders take their share of the rest
 * and the caches split what is left (output gets what source and overlay
 * leave). An output cache sized by hand (`outputCacheBytes`) is taken from
 * the renders instead, never below 64 MiB. So runtime + retained + full
 * caches + renders = the limit, for any limit above 480 MiB and any output
 * cache that leaves the renders 64 MiB.
 */
export function resizerMemoryPlan(limitBytes: number, outputCacheBytes?: number): ResizerMemoryPlan {
  const { runtimeBytes, retainedNativeBytes, renderShare, minRenderBytes, cacheShares } = RESIZER_MEMORY;
  const available = Math.max(0, limitBytes - runtimeBytes - retainedNativeBytes);
  const shareRender = Math.max(minRenderBytes, wholeMiB(available * renderShare));
  const cacheRoom = Math.max(0, available - shareRender);
  const sourceCacheBytes = wholeMiB(cacheRoom * cacheShares.source);
  const overlayCacheBytes = wholeMiB(cacheRoom * cacheShares.overlay);
  if (outputCacheBytes === undefined) {
    return {
      outputCacheBytes: cacheRoom - sourceCacheBytes - overlayCacheBytes,
      sourceCacheBytes,
      overlayCacheBytes,
      renderBytes: shareRender,
    };
  }
  const renderBytes = Math.max(
    minRenderBytes,
    available - outputCacheBytes - sourceCacheBytes - overlayCacheBytes,
  );
  return { outputCacheBytes, sourceCacheBytes, overlayCacheBytes, renderBytes };
}

/** Rounded down to whole MiB, so the figures read as they are set by hand. */
function wholeMiB(bytes: number): number {
  return Math.floor(bytes / MiB) * MiB;
}
