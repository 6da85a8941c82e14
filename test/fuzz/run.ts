/**
 * `make fuzz`: a seeded, bounded mutation campaign against `enlarger dev` as
 * a child process. Prints the report as JSON, keeps every input that got a
 * non-overload 5xx or was lost in OUT (to become a test), and exits non-zero
 * if there was any, or if the process died.
 *
 *   npx tsx test/fuzz/run.ts --seed 31 --cases 20000 --minutes 30 [--concurrency 2] [--out .run/fuzz]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildCli } from '../support/processes.js';
import { runCampaign, summary, type Finding } from './campaign.js';
import { RAM_DIR, startDevTarget } from './dev-target.js';
import { makeSeeds } from './seeds.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '31' },
    cases: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '5' },
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

await buildCli();
const seeds = await makeSeeds();
const target = await startDevTarget({}, RAM_DIR);
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
  console.log(JSON.stringify(summary(report), null, 2));
  process.exitCode = findings.length || report.death ? 1 : 0;
} finally {
  await target.stop();
}
