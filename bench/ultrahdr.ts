/**
 * What keeping an Ultra HDR gain map costs (BENCHMARKS.md): the resizer's
 * JPEG render from a 2048 px master with and without `keepGainMap()` (which
 * also turns off shrink-on-load), and the master's encode. Run with
 * `npx tsx bench/ultrahdr.ts`; medians of ROUNDS runs, one libvips thread.
 */
import sharp from 'sharp';
import { keepGainMap } from '../lib/photos/gain-map.js';
import { ultraHdrJpeg } from '../test/support/ultrahdr.js';
import { median } from '../test/support/stats.js';

const ROUNDS = 9;
sharp.concurrency(1);
sharp.cache(false);

/** Median wall time of ROUNDS runs, in ms. */
async function medianTime(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

const original = await ultraHdrJpeg(4000, 3000);
const master = (hdr: boolean) => {
  const image = sharp(original, { autoOrient: true });
  return (hdr ? keepGainMap(image) : image)
    .resize({ width: 2048, height: 2048, fit: 'inside' })
    .toColourspace('srgb')
    .jpeg({ quality: 88 })
    .toBuffer();
};
const hdrMaster = await master(true);
const render = (hdr: boolean, width: number) => () => {
  const image = sharp(hdrMaster, { sequentialRead: true });
  return (hdr ? keepGainMap(image) : image)
    .resize({ width })
    .toColourspace('srgb')
    .jpeg({ quality: 80 })
    .toBuffer();
};
const rows: [string, number, number][] = [
  [
    'master 2048 px from a 12 MP original',
    await medianTime(() => master(false)),
    await medianTime(() => master(true)),
  ],
  [
    'render 640 px from the master',
    await medianTime(render(false, 640)),
    await medianTime(render(true, 640)),
  ],
  [
    'render 1600 px from the master',
    await medianTime(render(false, 1600)),
    await medianTime(render(true, 1600)),
  ],
];
console.log('| step | SDR only | gain map kept |\n| --- | --- | --- |');
for (const [step, sdr, hdr] of rows) console.log(`| ${step} | ${sdr.toFixed(0)} ms | ${hdr.toFixed(0)} ms |`);
