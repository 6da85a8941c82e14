/**
 * `make bench-allocators`: the same seeded fuzz traffic (test/fuzz) against
 * one `enlarger dev` per malloc setting, all at once, for MINUTES; prints RSS
 * beside the V8 heap, `external` and libvips' tracked memory, and each one's
 * slope after warm-up, so growth can be told apart: a leak in JavaScript
 * shows in heapUsed or external, one in libvips in its counter, and growth in
 * RSS alone is memory the allocator holds.
 *
 *   npx tsx bench/memory/allocators.ts --minutes 10 --warm-up 3 --seed 31 [--only glibc,jemalloc]
 */
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildCli } from '../../test/support/processes.js';
import { runCampaign } from '../../test/fuzz/campaign.js';
import { RAM_DIR, startDevTarget } from '../../test/fuzz/dev-target.js';
import { makeSeeds } from '../../test/fuzz/seeds.js';
import { existsSync } from 'node:fs';
import { JEMALLOC_CANDIDATES } from '../../cli/allocator.js';
import { JEMALLOC_CONF } from '../../lib/process/malloc.js';
import { probeEnv, readSamples } from './probe.js';
import { MEMORY_TABLE_HEADER, memoryRow } from './report.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    'warm-up': { type: 'string', default: '3' },
    seed: { type: 'string', default: '31' },
    only: { type: 'string' },
    out: { type: 'string', default: '.run/memory' },
  },
});
const minutes = Number(values.minutes);
const warmUpSeconds = Number(values['warm-up']) * 60;
// The jemalloc `enlarger dev` itself would pick on this machine (Debian's libjemalloc2, scripts/debian-packages.tsv).
const jemalloc = JEMALLOC_CANDIDATES.find((p) => existsSync(p));

// An empty LD_PRELOAD or a MALLOC_ARENA_MAX counts as a choice, so `enlarger dev` keeps each as given.
const VARIANTS: Record<string, Record<string, string>> = {
  glibc: { LD_PRELOAD: '' },
  'glibc-arena2': { LD_PRELOAD: '', MALLOC_ARENA_MAX: '2' },
  'glibc-arena2-mmap4m': {
    LD_PRELOAD: '',
    MALLOC_ARENA_MAX: '2',
    MALLOC_MMAP_THRESHOLD_: String(4 * 1024 ** 2),
  },
  // Untuned (eight arenas on two cores, purging only as it allocates), then the pods' setting.
  ...(jemalloc
    ? {
        jemalloc: { LD_PRELOAD: jemalloc },
        'jemalloc-pods': { LD_PRELOAD: jemalloc, MALLOC_CONF: JEMALLOC_CONF },
      }
    : {}),
};
const chosen = values.only ? values.only.split(',') : Object.keys(VARIANTS);

await buildCli();
const seeds = await makeSeeds();
await mkdir(values.out, { recursive: true });
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.error(
  `${new Date().toISOString()} ${chosen.join(', ')} for ${minutes} min each, at once; load ${load()}`,
);

const results = await Promise.all(
  chosen.map(async (name) => {
    const file = path.join(values.out, `allocators-${name}.jsonl`);
    await rm(file, { force: true });
    const env = { ...VARIANTS[name], ...probeEnv(file, 5000, process.env.NODE_OPTIONS) };
    const target = await startDevTarget(env, RAM_DIR);
    try {
      const report = await runCampaign(
        seeds,
        {
          media: target.media,
          resizer: target.resizer,
          rss: () => target.process.rss(),
          death: target.death,
        },
        { seed: Number(values.seed), cases: 1e9, minutes, concurrency: 2, settleMs: 60_000 },
      );
      return { name, report, samples: await readSamples(file) };
    } finally {
      await target.stop();
    }
  }),
);

console.log(`\nload average at the end: ${load()}\n`);
console.log(MEMORY_TABLE_HEADER);
for (const { name, report, samples } of results) {
  const run = `${report.cases} cases, ${report.lost.length} lost, ${report.serverErrors.length} 5xx, death ${report.death ?? 'none'}`;
  console.log(memoryRow(`${name} (${run})`, samples, warmUpSeconds));
}
