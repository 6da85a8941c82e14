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
