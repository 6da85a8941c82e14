const MiB = 1024 ** 2;

/**
 * What a resizer pod's memory limit must hold besides its caches and the
 * renders in flight, measured by `make soak-memory` (BENCHMARKS.md, "Memory").
 */
export const RESIZER_MEMORY = {
  /** V8 heap, Node and libvips' code and thread stacks: the resizer's RSS before its first request was 120–161 MiB. */
  runtimeBytes: 160 * MiB,
  /**
   * Native memory the allocator keeps after renders end, with the pods'
   * malloc settings (lib/process/malloc.ts). In the soak with 320 MiB of
   * render budget and full caches, the native part (RSS less heap and
   * Buffers) sat at 330–420 MiB after warm-up and reached ~575 MiB at the
   * peak: up to ~300 MiB past its ~120 MiB baseline between samples, ~135
   * MiB more than the whole budget at the peak. No budget counted it, so the
   * pod peaked at 1,136 MiB under a 1 GiB limit.
   */
  retainedNativeBytes: 256 * MiB,
  /** Kept free of everything planned: page cache of /tmp, render estimates that err low. */
  headroomFraction: 0.125,
  /** Shares of what is left for caches and renders, when a size is not set. */
  shares: { output: 0.25, source: 0.25, overlay: 0.1 },
  /** The least render budget: one ordinary render must always fit. */
  minRenderBytes: 64 * MiB,
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
 * Splits `limitBytes` (the pod's memory limit): headroom, runtime and the
 * allocator's retained memory come off first; of the rest, a cache not sized
 * in `set` takes its share, and the renders get what the caches leave (never
 * less than 64 MiB). So caches, renders and what no budget sees add up to the
 * limit less its headroom.
 */
export function resizerMemoryPlan(
  limitBytes: number,
  set: Partial<Omit<ResizerMemoryPlan, 'renderBytes'>> = {},
): ResizerMemoryPlan {
  const { runtimeBytes, retainedNativeBytes, headroomFraction, shares, minRenderBytes } = RESIZER_MEMORY;
  const headroom = Math.floor(limitBytes * headroomFraction);
  const rest = Math.max(0, limitBytes - headroom - runtimeBytes - retainedNativeBytes);
  const share = (fraction: number) => Math.floor(rest * fraction);
  const outputCacheBytes = set.outputCacheBytes ?? share(shares.output);
  const sourceCacheBytes = set.sourceCacheBytes ?? share(shares.source);
  const overlayCacheBytes = set.overlayCacheBytes ?? share(shares.overlay);
  return {
    outputCacheBytes,
    sourceCacheBytes,
    overlayCacheBytes,
    renderBytes: Math.max(minRenderBytes, rest - outputCacheBytes - sourceCacheBytes - overlayCacheBytes),
  };
}
