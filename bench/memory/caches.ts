/**
 * The resizer's caches, read from its own gauges while a memory run goes on.
 * RSS that rises while they fill to their caps is the caches, not a leak, so
 * a run's warm-up must cover the last of them to fill; `make fuzz` and
 * `make soak-memory` both say when that was.
 */
import type { ResizerConfig } from '../../services/resizer/config.js';
import type { MemorySample } from '../../test/support/stats.js';
import { cacheMiB } from './report.js';

export type CacheName = 'output' | 'source' | 'overlay';

/** Each cache's cap in bytes, as the resizer parsed it from the run's environment. */
export function resizerCacheCaps(config: ResizerConfig): Record<CacheName, number> {
  return {
    output: config.outputCacheBytes,
    source: config.photos.sourceCacheBytes,
    overlay: config.overlays.cacheBytes,
  };
}

/**
 * Samples the resizer's /metrics on its admin URL every `everyMs` into
 * `samples` (MiB by cache, and their sum as `caches`), until `stop`. A
 * failed scrape is skipped: the process being slow or gone is the run's
 * own finding, not this sampler's.
 */
export function sampleCaches(adminUrl: string, elapsedSeconds: () => number, everyMs = 5000) {
  const samples: MemorySample[] = [];
  const timer = setInterval(() => {
    fetch(`${adminUrl}/metrics`)
      .then((res) => res.text())
      .then((text) => samples.push({ t: elapsedSeconds(), ...cacheMiB(text) }))
      .catch(() => undefined);
  }, everyMs);
  return { samples, stop: () => clearInterval(timer) };
}

/** When each cache first held 95 % of its cap, or `filledAtSeconds` undefined if it never did. */
export function cacheFills(samples: readonly MemorySample[], caps: Record<CacheName, number>) {
  return Object.entries(caps).map(([cache, capBytes]) => {
    const capMiB = capBytes / 1024 ** 2;
    const filled = samples.find((s) => (s[cache] ?? 0) >= 0.95 * capMiB);
    return {
      cache,
      capMiB: Math.round(capMiB),
      peakMiB: Math.round(Math.max(0, ...samples.map((s) => s[cache] ?? 0))),
      filledAtSeconds: filled && Math.round(filled.t),
    };
  });
}
