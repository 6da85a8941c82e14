import { summarise, type MemorySample } from '../../test/support/stats.js';

const FIELDS = ['rss', 'heapUsed', 'external', 'native', 'vipsMemory'] as const;

/** The header of {@link memoryRow}'s table. */
export const MEMORY_TABLE_HEADER = [
  '| process | RSS start → at warm-up → peak → end (MiB) | RSS slope after warm-up (MiB/h) | heapUsed end, slope | external end, slope | native end, slope | libvips tracked end, slope |',
  '| --- | --- | --- | --- | --- | --- | --- |',
].join('\n');

/** One process's row: RSS, then each part it is read against, as `end, slope after warm-up`. */
export function memoryRow(name: string, samples: readonly MemorySample[], warmUpSeconds: number): string {
  const [rss, ...parts] = FIELDS.map((f) => summarise(samples, f, warmUpSeconds));
  return (
    `| ${name} | ${rss!.start} → ${rss!.atWarmUp} → ${rss!.peak} → ${rss!.end} | ${rss!.slopePerHour} | ` +
    parts.map((p) => `${p.end}, ${p.slopePerHour}`).join(' | ') +
    ' |'
  );
}

/**
 * The resizer's `enlarger_resizer_cache_bytes` series in a /metrics text, in
 * MiB by cache name, and their sum as `caches`. Every series also carries
 * the registry's `service` label, so the labels are matched in any order.
 */
export function cacheMiB(metrics: string): Record<string, number> {
  const out: Record<string, number> = { caches: 0 };
  for (const m of metrics.matchAll(/^enlarger_resizer_cache_bytes\{[^}]*\bcache="(\w+)"[^}]*\} (\d+)$/gm)) {
    out[m[1]!] = Number(m[2]) / 1024 ** 2;
    out.caches! += Number(m[2]) / 1024 ** 2;
  }
  return out;
}
