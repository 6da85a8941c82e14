/**
 * Allocator settings every Enlarger process runs with: read by the C library
 * (or the preloaded allocator) when the process starts, never by this code,
 * so the operator puts them on every container (not the shared ConfigMap),
 * `enlarger` re-executes itself with them when they are missing
 * (cli/allocator.ts), and the benchmarks give them to the processes they start.
 *
 * jemalloc (Debian's libjemalloc2, which sharp's docs recommend for
 * long-running servers), preloaded and tuned: two arenas, so freed decode
 * buffers are reused rather than stranded in a thread's own arena; a
 * background thread that returns pages unused for a second to the kernel,
 * wherever they sit in the heap. glibc returns only the top of its heap, so
 * the holes that decodes of every size leave behind stay resident: under
 * issue 31's soak the resizer's memory outside the V8 heap and Buffers kept
 * creeping with glibc and sat ~90 MiB lower with this (BENCHMARKS.md,
 * "Memory"). jemalloc untuned (eight arenas, no background purge) did worse
 * than glibc in the first comparison.
 *
 * glibc's own settings stay beside it: where the library is missing (an
 * image of your own, a host without the package) the dynamic loader warns
 * and carries on with glibc, which then gets two arenas and a fixed 4 MiB
 * mmap threshold (coefficient buffers and raw masters go back to the kernel
 * when freed) instead of its defaults.
 */

/** Where the image links Debian's libjemalloc2 from, whatever the architecture (Dockerfile). */
export const JEMALLOC_IMAGE_PATH = '/usr/local/lib/libjemalloc.so.2';

/** jemalloc's tuning, as MALLOC_CONF. */
export const JEMALLOC_CONF = 'background_thread:true,narenas:2,dirty_decay_ms:1000,muzzy_decay_ms:0';

/** glibc's settings, for a process that runs without jemalloc. */
export const GLIBC_MALLOC_ENV = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: String(4 * 1024 ** 2),
} as const;

/** The allocator environment of a process whose jemalloc is at `jemallocPath` (none: glibc's settings alone). */
export function mallocEnv(jemallocPath: string | undefined): Record<string, string> {
  return jemallocPath
    ? { ...GLIBC_MALLOC_ENV, LD_PRELOAD: jemallocPath, MALLOC_CONF: JEMALLOC_CONF }
    : { ...GLIBC_MALLOC_ENV };
}

/** What every pod's container gets: the image has jemalloc at {@link JEMALLOC_IMAGE_PATH}. */
export const MALLOC_ENV = mallocEnv(JEMALLOC_IMAGE_PATH);

/** Variables the allocator reads; any of them set means it was chosen before the process started. */
export const MALLOC_VARIABLES = ['LD_PRELOAD', 'MALLOC_CONF', ...Object.keys(GLIBC_MALLOC_ENV)] as const;
