/**
 * glibc malloc settings every Enlarger process runs with: read by the C
 * library when the process starts, never by this code, so the operator puts
 * them on every container (not the shared ConfigMap), `enlarger` re-executes
 * itself with them when they are missing (cli/allocator.ts), and the
 * benchmarks give them to the processes they start.
 *
 * glibc's defaults give every libvips and libuv thread its own arena and
 * raise the mmap threshold to 32 MiB after the first big free, so a decode's
 * freed buffers stay in one thread's arena while the next decode takes fresh
 * memory in another. Two arenas let freed memory be reused; a fixed 4 MiB
 * threshold sends coefficient buffers and raw masters back to the kernel when
 * they are freed. Under issue 31's fuzz mix this held `enlarger dev`'s memory
 * outside the V8 heap and Buffers to a third of glibc's defaults' growth and
 * below jemalloc's (BENCHMARKS.md, "Allocators").
 */
export const MALLOC_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: String(4 * 1024 ** 2),
} as const;
