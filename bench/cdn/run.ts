/**
 * `make bench-cdn`: a replay of a browser mix through Varnish in front of a
 * resizer, once with Varnish's plain defaults (it honours `Vary: Accept` as
 * sent) and once with the shipped recipe VCL, which folds Accept into the
 * resizer's classes. Prints the hit ratio of each beside the floor (one miss
 * per URL and class) and the origin renders per miss, as a Markdown table.
 * Needs the varnishd of scripts/varnish.sh (VARNISH_URL, VARNISH_WORKDIR).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { seedPhoto } from '../../test/integration/resizer-fixtures.js';
import { startResizer } from '../../test/integration/resizer-server.js';
import { ACCEPT, browserMix, floorHitRatio } from '../../test/support/browser-mix.js';
import { varnishFromEnv } from '../../test/support/env.js';
import { RECIPE_VCL, useVcl } from '../../test/support/varnish.js';

const REQUESTS = Number(process.argv[2] ?? 2000);
const WIDTHS = [160, 240, 320, 400, 480, 560, 640, 720, 800, 960];

const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-cdn-'));
const storage = new FsStorage(dataDir);
const resizer = await startResizer(storage, {});
const port = Number(new URL(resizer.url('/')).port);
const varnish = varnishFromEnv();
const rows: string[] = [];
try {
  for (const [name, recipe] of [
    ['plain `Vary: Accept` (Varnish defaults)', null],
    ['recipe VCL (deploy/cdn/varnish/enlarger.vcl)', RECIPE_VCL],
  ] as const) {
    // A photo of its own per run, so the second starts from an empty cache too.
    const photo = await seedPhoto(storage, {
      width: 2400,
      height: 1600,
      masterWidth: 2048,
      sizes: [400, 800],
    });
    const mix = browserMix(
      WIDTHS.map((w) => `/v1/photos/${photo.id}?w=${w}`),
      REQUESTS,
    );
    const vcl = await useVcl(varnish, port, recipe);
    const rendersBefore = await resizer.metric('enlarger_resizer_renders_total');
    let hits = 0;
    try {
      for (const { path: url, browser } of mix) {
        const res = await fetch(vcl.url(url), { headers: { accept: ACCEPT[browser] } });
        await res.arrayBuffer();
        // Varnish names the request, and on a hit the object's request too.
        if ((res.headers.get('x-varnish') ?? '').trim().includes(' ')) hits++;
      }
    } finally {
      await vcl.dispose();
    }
    const misses = mix.length - hits;
    const renders = (await resizer.metric('enlarger_resizer_renders_total')) - rendersBefore;
    rows.push(
      `| ${name} | ${mix.length} | ${(hits / mix.length).toFixed(3)} | ${floorHitRatio(mix).toFixed(3)} | ${misses} | ${(renders / misses).toFixed(2)} |`,
    );
  }
} finally {
  await resizer.stop();
  await rm(dataDir, { recursive: true, force: true });
}
console.log('| Varnish config | Requests | Hit ratio | Floor | Misses | Origin renders per miss |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
