/**
 * Converter throughput, sharp vs ImageMagick, side by side in one run: the
 * 18 MP progressive wallpaper and the same photo re-encoded baseline. Both
 * tools use both cores: sharp as one process converting two photos at once,
 * ImageMagick as two `convert` loops in parallel. Prints a Markdown table.
 * Usage: npx tsx bench/converter.ts [sharpCount] [magickCount]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { quantityToScalar } from '@kubernetes/client-node/dist/util.js';
import { CONVERTER_DEFAULTS } from '../services/converter/config.js';
import { benchPhotos } from './fixtures.js';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const sharpCount = Number(process.argv[2] ?? 24);
const magickCount = Number(process.argv[3] ?? 8);

interface Result {
  imagesPerSecond: number;
  maxRssMB: number;
}

async function sharpRun(file: string): Promise<Result> {
  const { stdout } = await run(
    process.execPath,
    // Default prefetch (2 tasks at once), one libvips thread each, as the converter runs.
    [
      '--import',
      'tsx',
      path.join(HERE, 'converter-sharp.ts'),
      file,
      String(sharpCount),
      String(CONVERTER_DEFAULTS.prefetch),
      '1',
    ],
    {
      cwd: path.join(HERE, '..'),
    },
  );
  return JSON.parse(stdout) as Result;
}

/** Two `convert` loops in parallel, each under GNU time for its peak RSS (the largest `convert`). */
async function magickRun(file: string): Promise<Result> {
  const dirs = await Promise.all([0, 1].map(() => mkdtemp(path.join(os.tmpdir(), 'bench-im-'))));
  const loop = (dir: string, count: number) =>
    run('/usr/bin/time', ['-f', '%M', path.join(HERE, 'converter-imagemagick.sh'), file, String(count), dir]);
  try {
    await Promise.all(dirs.map((dir) => loop(dir, 1))); // warm-up: page cache, shared libraries
    const started = process.hrtime.bigint();
    const runs = await Promise.all(dirs.map((dir) => loop(dir, magickCount / 2)));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rssKB = Math.max(...runs.map((r) => Number(r.stderr.trim().split('\n').at(-1))));
    return { imagesPerSecond: magickCount / seconds, maxRssMB: rssKB / 1024 };
  } finally {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

// The pod's default memory limit, which the sharp process (default prefetch, default budget) must stay under.
const limitMB = Math.round(Number(quantityToScalar(CONVERTER_DEFAULTS.memoryLimit)) / 1024 ** 2);
const photos = await benchPhotos();
const rows: string[] = [];
for (const [name, file] of [
  ['baseline', photos.baseline],
  ['progressive', photos.progressive],
] as const) {
  const magick = await magickRun(file);
  const sharp = await sharpRun(file);
  rows.push(
    `| ${name} | ${sharp.imagesPerSecond.toFixed(2)} | ${magick.imagesPerSecond.toFixed(2)} | **${(sharp.imagesPerSecond / magick.imagesPerSecond).toFixed(2)}×** | ${sharp.maxRssMB.toFixed(0)} MB of ${limitMB} MB | ${magick.maxRssMB.toFixed(0)} MB |`,
  );
}
process.stdout.write(
  [
    `| 5640×3172 JPEG | sharp img/s | ImageMagick img/s | ratio | sharp peak RSS (process) of the pod limit | ImageMagick peak RSS (per convert) |`,
    `|---|---|---|---|---|---|`,
    ...rows,
    '',
  ].join('\n'),
);
