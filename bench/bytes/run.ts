/**
 * `make bench-bytes`: bytes at equal perceived quality (SSIMULACRA2), Enlarger
 * against imgproxy, over real photos. Seeds every store of `rows.ts` with the
 * real converter, then asks each row's resizer (a child process, output cache
 * off) and imgproxy (IMGPROXY_URL, reading the originals) for every photo,
 * width, format and quality of the sweep, and scores each answer against the
 * original downscaled with lanczos3. Points go to .run/bench/bytes.jsonl, the
 * tables to stdout (`table.ts`).
 *
 *   node run.js <data-dir> <ssimulacra2_rs> <photo-file>...
 *
 * Env: BYTES_WIDTHS, BYTES_FORMATS, BYTES_QUALITIES (space-separated),
 * BYTES_ROWS (names from rows.ts), BYTES_PORT (first of the ports the
 * resizers listen on), IMGPROXY_URL (its local root must be <data-dir>),
 * BYTES_APPEND=1 (keep the last run's samples and add these).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { FORMATS, type OutputFormat } from '../../lib/photos/formats.js';
import { createLogger } from '../../lib/log/logger.js';
import { photoKeys } from '../../lib/photos/keys.js';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { DecodeAdmission } from '../../services/converter/admission.js';
import { loadConverterConfig } from '../../services/converter/config.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { encoderOptions } from '../../services/resizer/render/encoder-options.js';
import { seedPhoto, type SeededPhoto } from '../resizer/seed-photo.js';
import { ROWS, STORES, type Row, type Store } from './rows.js';
import { reference, Scorer } from './score.js';
import { printTables, type Sample } from './table.js';

const [dataDir, scorerBin, ...photoFiles] = process.argv.slice(2);
if (!dataDir || !scorerBin || photoFiles.length === 0) {
  throw new Error('usage: run.js <data-dir> <ssimulacra2_rs> <photo-file>...');
}
const list = (v: string | undefined, fallback: string) => (v ?? fallback).split(/\s+/).filter(Boolean);
const widths = list(process.env.BYTES_WIDTHS, '320 640 1200 2048').map(Number);
const formats = list(process.env.BYTES_FORMATS, 'jpeg webp avif') as OutputFormat[];
const qualities = list(process.env.BYTES_QUALITIES, '40 60 75 85 95').map(Number);
const rowNames = list(process.env.BYTES_ROWS, ROWS.map((r) => r.name).join(' '));
const port = Number(process.env.BYTES_PORT ?? 18182);
const imgproxyUrl = process.env.IMGPROXY_URL;
const out = path.resolve('.run/bench/bytes.jsonl');

/** A photo as seeded into one store. */
interface Seeded extends SeededPhoto {
  file: string;
}

/**
 * Seeds `store` once into its own directory, named by a hash of its
 * resolved converter settings so a change of defaults seeds anew.
 */
async function seed(store: Store): Promise<{ dir: string; photos: Seeded[] }> {
  const config = loadConverterConfig({ ...store.env, STORAGE_KIND: 'fs', DATA_DIR: dataDir });
  const digest = createHash('sha256')
    .update(JSON.stringify([config.master, config.sizes]))
    .digest('hex')
    .slice(0, 8);
  const dir = `${store.name}-${digest}`;
  const index = path.join(dataDir!, dir, 'seeded.json');
  const done = await readFile(index, 'utf8').then(
    (t) => JSON.parse(t) as Seeded[],
    () => undefined,
  );
  // Only the photos asked for this run: a store seeded with more keeps them for the next.
  const asked = done?.filter((s) => photoFiles.some((f) => s.file === path.basename(f)));
  if (asked?.length === photoFiles.length) return { dir, photos: asked };

  const storage = new FsStorage(path.join(dataDir!, dir));
  const deps = {
    storage,
    config,
    admission: new DecodeAdmission(config.memoryBudgetBytes),
    log: createLogger({ level: 'warn' }),
  };
  const photos: Seeded[] = [];
  for (const file of photoFiles) photos.push({ file: path.basename(file), ...(await seedPhoto(file, deps)) });
  await writeFile(index, JSON.stringify(photos));
  return { dir, photos };
}

/** Starts the resizer of `row` on `rowPort`, reading `storeDir`; resolves when it is ready. */
async function startResizer(row: Row, storeDir: string, rowPort: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.resolve('.run/bench/dist/cli/main.js'), 'resizer'], {
    env: {
      ...process.env,
      ...row.env,
      STORAGE_KIND: 'fs',
      DATA_DIR: path.join(dataDir!, storeDir),
      RESIZER_OUTPUT_CACHE_BYTES: '0',
      RESIZER_WATERMARK_OPT_OUT: 'true',
      // The asked width comes back: bytes are compared at equal sizes.
      RESIZER_AVIF_MAX_PIXELS: '20000000',
      RESIZER_PORT: String(rowPort),
      RESIZER_ADMIN_PORT: String(rowPort + 1),
      RESIZER_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${rowPort + 1}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error(`resizer of row ${row.name} never became ready`);
}

async function get(url: string): Promise<{ body: Buffer; ms: number }> {
  const start = performance.now();
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`${url}: ${res.status} ${body.toString().slice(0, 200)}`);
  return { body, ms: performance.now() - start };
}

const scorer = await Scorer.create(scorerBin);
const originals = new Map(
  await Promise.all(photoFiles.map(async (f) => [path.basename(f), await readFile(f)] as const)),
);
const references = new Map<string, Buffer>();
/** The lanczos3 reference of a photo at an output's size, made once per size. */
async function referenceFor(file: string, width: number, height: number): Promise<Buffer> {
  const key = `${file}@${width}x${height}`;
  let ref = references.get(key);
  if (!ref) references.set(key, (ref = await reference(originals.get(file)!, width, height)));
  return ref;
}

async function sample(
  server: string,
  seeded: Seeded,
  format: OutputFormat,
  width: number,
  quality: number | undefined,
  body: Buffer,
  ms: number,
): Promise<void> {
  const meta = await sharp(body).metadata();
  const score = await scorer.score(await referenceFor(seeded.file, meta.width, meta.height), body);
  const s: Sample = {
    server,
    photo: seeded.file,
    format,
    width,
    quality,
    bytes: body.length,
    score,
    ms,
    outWidth: meta.width,
  };
  await appendFile(out, `${JSON.stringify(s)}\n`);
}

/**
 * The same q=95 output rendered in process from the original with `row`'s
 * encoder settings: what the stored copies cost in score.
 */
async function fromOriginal(row: Row, seeded: Seeded, format: OutputFormat, width: number): Promise<Buffer> {
  const settings = loadResizerConfig(row.env).render.encode;
  const { options } = encoderOptions(format, 95, settings);
  return sharp(originals.get(seeded.file))
    .rotate()
    .resize({ width, withoutEnlargement: true })
    .toColourspace('srgb')
    .toFormat(format, options)
    .toBuffer();
}

await mkdir(path.dirname(out), { recursive: true });
// BYTES_APPEND=1 adds this run's samples to the last run's (e.g. imgproxy measured
// after the rows: bytes and scores do not depend on the machine's load, times do).
if (process.env.BYTES_APPEND !== '1') await writeFile(out, '');
const stores = new Map<string, { dir: string; photos: Seeded[] }>();
for (const store of STORES) stores.set(store.name, await seed(store));
const sweep: (number | undefined)[] = [undefined, ...qualities];

if (imgproxyUrl) {
  const { dir, photos } = stores.get('old')!;
  for (const seeded of photos) {
    for (const format of formats) {
      for (const width of widths) {
        for (const q of sweep) {
          const key = `${dir}/${photoKeys(seeded.id).original}`;
          const opts = `rs:fit:${width}:0${q === undefined ? '' : `/q:${q}`}`;
          const { body, ms } = await get(
            `${imgproxyUrl}/insecure/${opts}/plain/local:///${key}@${FORMATS[format].extension}`,
          );
          await sample('imgproxy', seeded, format, width, q, body, ms);
        }
      }
    }
  }
}

let rowPort = port;
for (const row of ROWS.filter((r) => rowNames.includes(r.name))) {
  const { dir, photos } = stores.get(row.store)!;
  process.stderr.write(`== ${row.name} (store ${dir})\n`);
  const base = `http://127.0.0.1:${rowPort}`;
  const child = await startResizer(row, dir, rowPort);
  rowPort += 2;
  try {
    for (const seeded of photos) {
      for (const format of formats.filter((f) => row.formats.includes(f))) {
        for (const width of widths) {
          for (const q of sweep) {
            const query = `w=${width}&fmt=${format}&wm=0${q === undefined ? '' : `&q=${q}`}`;
            const { body, ms } = await get(`${base}/v1/photos/${seeded.id}?${query}`);
            await sample(row.name, seeded, format, width, q, body, ms);
          }
          if (row.fromOriginal) {
            const body = await fromOriginal(row, seeded, format, width);
            await sample(`${row.name}:original`, seeded, format, width, 95, body, 0);
          }
        }
      }
    }
  } finally {
    child.kill();
  }
}
await scorer.close();
const samples = (await readFile(out, 'utf8'))
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Sample);
printTables(
  samples,
  [...stores.entries()].map(([name, s]) => ({ name, ...s })),
);
