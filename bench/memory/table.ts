/**
 * The memory table of probe files already written (by allocators.ts or
 * soak.ts), for another look with a different warm-up:
 *
 *   npx tsx bench/memory/table.ts --warm-up 4 .run/memory/allocators-*.jsonl
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readSamples } from './probe.js';
import { MEMORY_TABLE_HEADER, memoryRow } from './report.js';

const { values, positionals } = parseArgs({
  options: { 'warm-up': { type: 'string', default: '10' } },
  allowPositionals: true,
});
console.log(MEMORY_TABLE_HEADER);
for (const file of positionals) {
  const samples = await readSamples(file);
  const last = samples.at(-1)?.t ?? 0;
  console.log(
    memoryRow(
      `${path.basename(file, '.jsonl')} (${Math.round(last / 60)} min)`,
      samples,
      Number(values['warm-up']) * 60,
    ),
  );
}
