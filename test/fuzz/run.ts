/**
 * `make fuzz`: a seeded, bounded mutation campaign against `enlarger dev` as
 * a child process. Prints the report as JSON, keeps every input that got a
 * non-overload 5xx or was lost in OUT (to become a test), and exits non-zero
 * if there was any, if the process died, or if its RSS after --warm-up was
 * not shown flat: the whole 95 % interval of the slope of its 10-second
 * medians under --max-slope MiB/hour (test/support/stats.ts; the fit of
 * every sample is printed beside it).
 *
 * Warm-up is what it takes the resizer's caches to fill. dev's output cache
 * would take hours at the fuzz's rate (its renders are small, ~1 MiB a minute
 * against a 165 MiB cap), so the run gives it DEV_ENV's smaller one, and
 * reads the caches' gauges to say when each was full: the caches at their
 * deployed caps are `make soak-memory`'s part.
 *
 *   npx tsx test/fuzz/run.ts --seed 31 --cases 20000 --minutes 30 [--warm-up 12] [--max-slope 50]
 *     [--concurrency 2] [--out .run/fuzz]
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { probeEnv, readSamples } from '../../bench/memory/probe.js';
import { cacheFills, resizerCacheCaps, sampleCaches } from '../../bench/memory/caches.js';
import { MEMORY_TABLE_HEADER, memoryRow } from '../../bench/memory/report.js';
import { devEnv } from '../../cli/commands/dev-run.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { buildCli } from '../support/processes.js';
import { slopeVerdict } from '../support/stats.js';
import { runCampaign, summary, type Finding } from './campaign.js';
import { RAM_DIR, startDevTarget } from './dev-target.js';
import { makeSeeds } from './seeds.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '31' },
    cases: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '5' },
    'warm-up': { type: 'string' },
    'max-slope': { type: 'string', default: '50' },
    // Samples dev's heap, `external`, native memory and libvips' counters to this file (bench/memory/probe.js).
    probe: { type: 'string' },
    concurrency: { type: 'string', default: '2' },
    out: { type: 'string', default: '.run/fuzz' },
  },
});
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got ${values[name]}`);
  return value;
};

/** An output cache the fuzz's small renders fill in minutes (see above); the other caches as dev has them. */
const DEV_ENV = { RESIZER_OUTPUT_CACHE_BYTES: '8MiB' };

await buildCli();
const seeds = await makeSeeds();
const probeFile = values.probe && path.resolve(values.probe);
if (probeFile) await rm(probeFile, { force: true });
const target = await startDevTarget(
  { ...DEV_ENV, ...(probeFile ? probeEnv(probeFile, 5000, undefined) : {}) },
  RAM_DIR,
);
const started = Date.now();
const caches = sampleCaches(target.resizerAdmin, () => (Date.now() - started) / 1000);
try {
  const report = await runCampaign(
    seeds,
    { media: target.media, resizer: target.resizer, rss: () => target.process.rss(), death: target.death },
    {
      seed: number('seed'),
      cases: number('cases'),
      minutes: number('minutes'),
      concurrency: number('concurrency'),
      settleMs: 60_000,
    },
  );
  const findings: Finding[] = [...report.serverErrors, ...report.lost];
  if (findings.length) {
    await mkdir(values.out, { recursive: true });
    for (const f of findings)
      await writeFile(path.join(values.out, `seed${report.seed}-case${f.case}.bin`), f.data);
  }
  caches.stop();
  const warmUpSeconds = values['warm-up'] === undefined ? undefined : number('warm-up') * 60;
  const printed = summary(report, warmUpSeconds);
  // Judged on the level (10-s medians): a bomb's decode in flight is its working set, not memory kept.
  const verdict = slopeVerdict(
    printed.rssMiB.levelSlopeAfterWarmUpMiBPerHour,
    printed.rssMiB.levelSlopeCi95MiBPerHour,
    number('max-slope'),
  );
  // When each cache first held 95 % of its cap, as dev parses it: the warm-up should cover the last of them.
  const cacheFill = cacheFills(caches.samples, resizerCacheCaps(loadResizerConfig(devEnv(DEV_ENV))));
  // An interval too wide to compute prints as "unbounded", not as JSON's null for Infinity.
  const finite = (_key: string, v: unknown) => (v === Infinity ? 'unbounded' : v);
  console.log(JSON.stringify({ ...printed, rssVerdict: verdict, devEnv: DEV_ENV, cacheFill }, finite, 2));
  if (probeFile) {
    // dev runs itself again (cli/reexec.ts), and both processes load the probe: the served one is the larger.
    const samples = await readSamples(probeFile);
    const peakOf = (pid: unknown) => Math.max(...samples.filter((x) => x.pid === pid).map((x) => x.rss ?? 0));
    const served = [...new Set(samples.map((x) => x.pid))].sort((a, b) => peakOf(b) - peakOf(a))[0];
    const row = memoryRow(
      'enlarger dev',
      samples.filter((x) => x.pid === served),
      printed.rssMiB.warmUpSeconds,
    );
    console.log(`\n${MEMORY_TABLE_HEADER}\n${row}`);
  }
  process.exitCode = findings.length || report.death || verdict !== 'flat' ? 1 : 0;
} finally {
  caches.stop();
  await target.stop();
}
