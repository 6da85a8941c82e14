/**
 * make bench-watermark: what the watermark step costs, in process, no HTTP.
 * The resizer's own steps (pick source → load → orient → resize → encode,
 * JPEG q80) render the same widths from the same seeded photos with the
 * watermark off and with each way of stamping it; rounds interleave the
 * variants (in a rotating order) so noise from other processes on the
 * shared machine falls on all of them alike. Two renders in flight by
 * default, as the service's two slots; CPU time per render is the process's
 * (libvips threads included) over the round. Overlays are warmed first for
 * every width, as a running service has them.
 *
 *   npx tsx bench/watermark.ts [rounds=6] [seconds-per-variant-per-round=3] [in-flight=2]
 *
 * Prints one JSON line per photo and variant, then a Markdown table.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { FsStorage } from '../lib/storage/fs-storage.js';
import { loadResizerConfig } from '../services/resizer/config.js';
import { realPhotosDir } from '../test/support/photos.js';
import { encode } from '../services/resizer/render/encode.js';
import { load } from '../services/resizer/render/load.js';
import { orient } from '../services/resizer/render/orient.js';
import { plan as planRender } from '../services/resizer/render/pipeline.js';
import { originalSize, planResize, resize, type Dimensions } from '../services/resizer/render/resize.js';
import { watermark, type OverlaySource } from '../services/resizer/render/watermark.js';
import { parseRequest } from '../services/resizer/request/parse.js';
import { Overlays } from '../services/resizer/runtime/overlays.js';
import { PhotoStore } from '../services/resizer/runtime/photo-store.js';
import {
  compositeOfNothing,
  legacyFullFrameStamp,
  rawRoundTripOnly,
  sharpComposite,
} from './watermark-variants.js';

const [rounds = '6', seconds = '3', inFlight = '2'] = process.argv.slice(2);
const IN_FLIGHT = Number(inFlight);
const DATA = path.resolve('.run/bench/watermark-data');
const PHOTOS = ['LadyBird.jpg', 'Elephants_5640x3172.jpg'];
const WIDTHS = [320, 480, 640, 800, 960, 1120, 1280, 1440, 1600];

if (!existsSync(path.join(DATA, 'ids.json'))) {
  const files = PHOTOS.map((p) => path.join(realPhotosDir(), p));
  const ids = execFileSync('npx', ['tsx', 'bench/resizer/seed.ts', DATA, ...files], { encoding: 'utf8' });
  execFileSync('sh', ['-c', `cat > ${path.join(DATA, 'ids.json')}`], { input: ids });
}
const ids = JSON.parse(readFileSync(path.join(DATA, 'ids.json'), 'utf8')) as Record<string, string>;

// The steps' own inputs, as the service sets them up: its config, libvips
// settings, and the photo and overlay stores (logo and attribution on).
const config = loadResizerConfig({
  STORAGE_KIND: 'fs',
  DATA_DIR: DATA,
  RESIZER_WATERMARK_LOGO_KEY: 'branding/logo.png',
});
sharp.concurrency(config.vipsThreads);
sharp.cache(false);
const storage = new FsStorage(DATA);
const photos = new PhotoStore(storage, config.photos);
const overlays = new Overlays(storage, config.overlays);

type Stamp = (
  image: Sharp,
  output: Dimensions,
  photographer: string,
  overlays: OverlaySource,
) => Promise<Sharp>;
const wm = config.render.watermark;
const VARIANTS: Record<string, Stamp> = {
  off: (image) => Promise.resolve(image),
  'raw round trip, nothing blended': (image) => rawRoundTripOnly(image),
  'previous: full-frame raw round trip': (image, output, who, overlays) =>
    legacyFullFrameStamp(image, output, who, overlays, wm),
  'sharp composite of one transparent pixel': (image) => Promise.resolve(compositeOfNothing(image)),
  'sharp composite, cached overlays': (image, output, who, overlays) =>
    sharpComposite(image, output, who, overlays, wm),
  'new: integer blend (watermark())': (image, output, who, overlays) =>
    watermark(image, output, true, who, overlays, wm),
};

async function renderOnce(id: string, width: number, stamp: Stamp): Promise<void> {
  const request = parseRequest(id, new URLSearchParams({ w: String(width), fmt: 'jpeg', q: '80' }), {
    ...config.handler.parse,
  });
  const prepared = planRender(await photos.manifest(id), request, 'jpeg', config.render);
  const loaded = await load(await photos.source(prepared.source.key), prepared.source, config.render.load);
  const upright = orient(loaded);
  const { width: ow, height: oh } = prepared.manifest.original;
  const plan = planResize(originalSize(upright.upright, Math.max(ow, oh)), request, prepared.limits);
  const sized = resize(upright.image, plan);
  const marked = await stamp(sized, plan, prepared.manifest.photographer ?? 'Bench Photographer', overlays);
  await encode(marked, 'jpeg', 80, config.render.encode);
}

const names = Object.keys(VARIANTS);
const rows: Array<{ photo: string; variant: string; perSecond: number; cpuMsPerRender: number }> = [];
for (const photo of PHOTOS) {
  const id = ids[photo]!;
  // Warm source bytes and overlays for every width, as a running service has them.
  for (const stamp of Object.values(VARIANTS)) for (const w of WIDTHS) await renderOnce(id, w, stamp);
  const tally = Object.fromEntries(names.map((n) => [n, { renders: 0, wallMs: 0, cpuMs: 0 }]));
  for (let r = 0; r < Number(rounds); r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length]!;
      const t = tally[name]!;
      const until = performance.now() + Number(seconds) * 1000;
      const wall0 = performance.now();
      const cpu0 = process.cpuUsage();
      let i = 0;
      const worker = async () => {
        while (performance.now() < until) await renderOnce(id, WIDTHS[i++ % WIDTHS.length]!, VARIANTS[name]!);
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      const cpu = process.cpuUsage(cpu0);
      t.renders += i;
      t.wallMs += performance.now() - wall0;
      t.cpuMs += (cpu.user + cpu.system) / 1000;
    }
  }
  for (const name of names) {
    const t = tally[name]!;
    const row = {
      photo,
      variant: name,
      perSecond: Math.round((t.renders / t.wallMs) * 1e4) / 10,
      cpuMsPerRender: Math.round((t.cpuMs / t.renders) * 100) / 100,
    };
    rows.push(row);
    process.stdout.write(`${JSON.stringify({ ...row, renders: t.renders })}\n`);
  }
}

const pct = (v: number, base: number) =>
  `${v >= base ? '+' : ''}${Math.round(((v - base) / base) * 1000) / 10} %`;
process.stdout.write(
  '\n| photo | variant | renders/s | CPU ms/render | throughput vs off | CPU vs off |\n|---|---|---|---|---|---|\n',
);
for (const row of rows) {
  const off = rows.find((r) => r.photo === row.photo && r.variant === 'off')!;
  process.stdout.write(
    `| ${row.photo} | ${row.variant} | ${row.perSecond} | ${row.cpuMsPerRender} | ${pct(row.perSecond, off.perSecond)} | ${pct(row.cpuMsPerRender, off.cpuMsPerRender)} |\n`,
  );
}
