/**
 * make bench-jxl (scripts/bench-jxl.sh): bytes of JPEG XL against the
 * resizer's AVIF, WebP and JPEG at equal perceived quality, a side
 * measurement. Each photo is downscaled once with lanczos3 to `width` and
 * kept lossless as the reference; every format encodes that same reference
 * over a quality sweep (JPEG, WebP and AVIF through the resizer's own
 * `encode()` and settings, JPEG XL through Debian's cjxl at its default
 * effort 7 and at effort 4), each output is decoded to PNG and scored with
 * SSIMULACRA2 (ssimulacra2_rs, crates.io) against the reference. Bytes at a
 * target score are interpolated linearly between the two sweep points
 * around it.
 *
 *   SSIMULACRA2=<ssimulacra2_rs> npx tsx bench/jxl.ts [width=1200] [photo-file...]
 *
 * Prints one JSON line per encode, then a Markdown table.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadResizerConfig } from '../services/resizer/config.js';
import { encode } from '../services/resizer/render/encode.js';
import { realPhotosDir } from '../test/support/photos.js';

const [widthArg = '1200', ...files] = process.argv.slice(2);
const WIDTH = Number(widthArg);
const SCORER = process.env.SSIMULACRA2;
if (!SCORER)
  throw new Error('SSIMULACRA2 must name the ssimulacra2_rs binary (scripts/bench-jxl.sh sets it)');
const PHOTOS = files.length
  ? files
  : ['LadyBird.jpg', 'Elephants_5640x3172.jpg', 'Aqua.jpg', 'Dune.jpg'].map((f) =>
      path.join(realPhotosDir(), f),
    );
const TARGETS = [70, 80, 85, 90];
const SWEEP: Record<Codec, number[]> = {
  jpeg: [50, 60, 70, 80, 88, 94],
  webp: [50, 60, 70, 80, 88, 94],
  avif: [30, 40, 50, 60, 70, 80],
  'jxl e7': [50, 60, 70, 80, 88, 94],
  'jxl e4': [50, 60, 70, 80, 88, 94],
};
type Codec = 'jpeg' | 'webp' | 'avif' | 'jxl e7' | 'jxl e4';
const CODECS = Object.keys(SWEEP) as Codec[];

const settings = loadResizerConfig({}).render.encode;
sharp.concurrency(1);
sharp.cache(false);
const work = mkdtempSync(path.join(tmpdir(), 'bench-jxl-'));

interface Point {
  quality: number;
  bytes: number;
  score: number;
  encodeMs: number;
}

function score(reference: string, distorted: string): number {
  const out = execFileSync(SCORER!, ['image', reference, distorted], { encoding: 'utf8' });
  const match = /(-?\d+(?:\.\d+)?)\s*$/.exec(out.trim());
  if (!match) throw new Error(`ssimulacra2_rs printed no score: ${out}`);
  return Number(match[1]);
}

/** Encodes the reference at `quality`, decodes the output to PNG, scores it. */
async function point(codec: Codec, reference: string, quality: number): Promise<Point> {
  const decoded = path.join(work, 'decoded.png');
  const started = performance.now();
  let bytes: number;
  if (codec.startsWith('jxl')) {
    const out = path.join(work, 'out.jxl');
    const effort = codec === 'jxl e7' ? '7' : '4';
    execFileSync('cjxl', [reference, out, '-q', String(quality), '-e', effort, '--quiet'], {
      stdio: 'ignore',
    });
    bytes = statSync(out).size;
    execFileSync('djxl', [out, decoded, '--quiet'], { stdio: 'ignore' });
  } else {
    const rendered = await encode(sharp(reference), codec as 'jpeg' | 'webp' | 'avif', quality, settings);
    bytes = rendered.body.length;
    await sharp(rendered.body).png().toFile(decoded);
  }
  const encodeMs = performance.now() - started;
  return { quality, bytes, score: score(reference, decoded), encodeMs };
}

/** Bytes at `target` on the sweep's score curve, or undefined outside the range it spans. */
function bytesAt(points: Point[], target: number): number | undefined {
  const sorted = [...points].sort((a, b) => a.score - b.score);
  for (let i = 1; i < sorted.length; i++) {
    const [lo, hi] = [sorted[i - 1]!, sorted[i]!];
    if (lo.score <= target && target <= hi.score && hi.score > lo.score) {
      return lo.bytes + ((target - lo.score) / (hi.score - lo.score)) * (hi.bytes - lo.bytes);
    }
  }
  return undefined;
}

const rows: string[] = [];
const ratios: Record<string, number[]> = {};
try {
  for (const file of PHOTOS) {
    const reference = path.join(work, 'reference.png');
    await sharp(readFileSync(file))
      .rotate()
      .resize({ width: WIDTH, kernel: 'lanczos3' })
      .png()
      .toFile(reference);
    const curves = {} as Record<Codec, Point[]>;
    for (const codec of CODECS) {
      curves[codec] = [];
      for (const quality of SWEEP[codec]) {
        const p = await point(codec, reference, quality);
        curves[codec].push(p);
        process.stdout.write(`${JSON.stringify({ photo: path.basename(file), codec, ...p })}\n`);
      }
    }
    for (const target of TARGETS) {
      const at = Object.fromEntries(CODECS.map((c) => [c, bytesAt(curves[c], target)])) as Record<
        Codec,
        number | undefined
      >;
      const kb = (b: number | undefined) => (b === undefined ? '–' : (b / 1024).toFixed(1));
      const ratio = (other: Codec) => {
        const [jxl, them] = [at['jxl e7'], at[other]];
        if (jxl === undefined || them === undefined) return '–';
        (ratios[other] ??= []).push(jxl / them);
        return `${(jxl / them).toFixed(2)}×`;
      };
      rows.push(
        `| ${path.basename(file)} | ${target} | ${CODECS.map((c) => kb(at[c])).join(' | ')} | ${ratio('avif')} | ${ratio('webp')} | ${ratio('jpeg')} |`,
      );
    }
    const ms = CODECS.map((c) =>
      Math.round(curves[c].reduce((s, p) => s + p.encodeMs, 0) / curves[c].length),
    );
    rows.push(`| ${path.basename(file)} | encode+decode ms, mean | ${ms.join(' | ')} | | | |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const LABEL: Record<string, string> = { avif: 'AVIF', webp: 'WebP', jpeg: 'JPEG' };
const geo = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
process.stdout.write(
  `\n| photo (${WIDTH} px) | SSIMULACRA2 | ${CODECS.map((c) => `${c} KiB`).join(' | ')} | JXL e7 / AVIF | JXL e7 / WebP | JXL e7 / JPEG |\n` +
    `|---|---|${CODECS.map(() => '---|').join('')}---|---|---|\n${rows.join('\n')}\n`,
);
process.stdout.write(
  `\nGeometric mean of JXL e7's bytes at equal score: ${['avif', 'webp', 'jpeg']
    .map((c) => `${geo(ratios[c] ?? [NaN]).toFixed(2)}× ${LABEL[c]}'s`)
    .join(', ')}\n`,
);
