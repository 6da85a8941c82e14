/**
 * Converter throughput, CPU and peak RSS, sharp vs ImageMagick, side by side
 * in one run: the 18 MP progressive wallpaper and the same photo re-encoded
 * baseline. Every run uses both cores: sharp as one process converting two
 * photos at once, ImageMagick as two `convert` loops in parallel. With a git
 * ref, the converter of that commit runs too, in the same session, between
 * ImageMagick and this tree, so a change is measured before and after on the
 * same machine under the same load. Prints a Markdown table.
 * Usage: npx tsx bench/converter.ts [sharpCount] [magickCount] [beforeRef]
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hostMallocEnv } from '../cli/allocator.js';
import { CONVERTER_DEFAULTS } from '../services/converter/config.js';
import { benchPhotos } from './fixtures.js';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.join(HERE, '..');
const sharpCount = Number(process.argv[2] ?? 24);
const magickCount = Number(process.argv[3] ?? 8);
const beforeRef = process.argv[4];
// GNU time's user and system CPU seconds and peak RSS (KB), on the last line of stderr.
const TIME = ['-f', '%U %S %M'];

interface Result {
  imagesPerSecond: number;
  cpuSecondsPerImage: number;
  /** maxRSS in KiB / 1024, so MiB; the key keeps the name a BEFORE tree's converter-sharp.ts prints. */
  maxRssMB: number;
}

function timed(stderr: string): { cpu: number; rssKB: number } {
  const [user, sys, rss] = stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { cpu: user! + sys!, rssKB: rss! };
}

/**
 * One converter process of the tree at `root`: its own `bench/converter-sharp.ts`
 * (the converter's pipeline minus storage), the default prefetch of 2 tasks at
 * once, one libvips thread each, as the converter runs. Its CPU covers the
 * warm-up too (one image per task, the same work), hence the divisor.
 */
async function sharpRun(root: string, file: string, env: NodeJS.ProcessEnv): Promise<Result> {
  const tasks = CONVERTER_DEFAULTS.prefetch;
  const args = [path.join(root, 'bench/converter-sharp.ts'), file, String(sharpCount), String(tasks), '1'];
  const { stdout, stderr } = await run(
    '/usr/bin/time',
    [...TIME, process.execPath, '--import', 'tsx', ...args],
    {
      cwd: root,
      env,
    },
  );
  const { imagesPerSecond, maxRssMB } = JSON.parse(stdout) as Omit<Result, 'cpuSecondsPerImage'>;
  return { imagesPerSecond, maxRssMB, cpuSecondsPerImage: timed(stderr).cpu / (sharpCount + tasks) };
}

/** Two `convert` loops in parallel, each under GNU time; peak RSS is the largest `convert`. */
async function magickRun(file: string): Promise<Result> {
  const dirs = await Promise.all([0, 1].map(() => mkdtemp(path.join(os.tmpdir(), 'bench-im-'))));
  const loop = (dir: string, count: number) =>
    run('/usr/bin/time', [...TIME, path.join(HERE, 'converter-imagemagick.sh'), file, String(count), dir]);
  try {
    await Promise.all(dirs.map((dir) => loop(dir, 1))); // warm-up: page cache, shared libraries
    const started = process.hrtime.bigint();
    const runs = (await Promise.all(dirs.map((dir) => loop(dir, magickCount / 2)))).map((r) =>
      timed(r.stderr),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      imagesPerSecond: magickCount / seconds,
      cpuSecondsPerImage: runs.reduce((sum, r) => sum + r.cpu, 0) / magickCount,
      maxRssMB: Math.max(...runs.map((r) => r.rssKB)) / 1024,
    };
  } finally {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/** The tree of `ref` next to this one, sharing its node_modules (`bench/checkout.sh`). */
async function checkout(ref: string): Promise<{ root: string; commit: string }> {
  const { stdout } = await run(path.join(HERE, 'checkout.sh'), [ref]);
  const [root, commit] = stdout.trim().split(' ') as [string, string];
  return { root, commit };
}

// The environment a run starts from, without malloc settings the caller's shell may carry.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('MALLOC_')),
);
// This tree's converter runs as its pod does: with the process settings the operator puts on its container.
const nowEnv = { ...cleanEnv, ...hostMallocEnv() };
const before = beforeRef ? await checkout(beforeRef) : undefined;
// The pod's default memory limit, which the sharp process (default prefetch, default budget) must stay under.
const limitMiB = Math.round(CONVERTER_DEFAULTS.memoryLimitBytes / 1024 ** 2);
const photos = await benchPhotos();
const rows: string[] = [];
for (const [name, file] of [
  ['baseline', photos.baseline],
  ['progressive', photos.progressive],
] as const) {
  // Interleaved per photo so that both converters and ImageMagick see the same load.
  const magick = await magickRun(file);
  const runs: [string, Result][] = [['ImageMagick', magick]];
  if (before) runs.push([`sharp at ${before.commit} (before)`, await sharpRun(before.root, file, cleanEnv)]);
  runs.push([before ? 'sharp, this tree (after)' : 'sharp', await sharpRun(REPO, file, nowEnv)]);
  for (const [who, r] of runs) {
    const ratio = r === magick ? '1' : `**${(r.imagesPerSecond / magick.imagesPerSecond).toFixed(2)}×**`;
    const rss =
      r === magick
        ? `${r.maxRssMB.toFixed(0)} MiB per convert`
        : `${r.maxRssMB.toFixed(0)} MiB of ${limitMiB} MiB`;
    rows.push(
      `| ${name} | ${who} | ${r.imagesPerSecond.toFixed(2)} | ${ratio} | ${r.cpuSecondsPerImage.toFixed(2)} | ${rss} |`,
    );
  }
}
process.stdout.write(
  [
    `| 5640×3172 JPEG | run | img/s | × ImageMagick | CPU s/img | peak RSS |`,
    `|---|---|---|---|---|---|`,
    ...rows,
    '',
  ].join('\n'),
);
