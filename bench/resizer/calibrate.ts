/**
 * Calibration: sharp alone, in process, no HTTP. Resizes a master to the
 * benchmark's width mix as JPEG with two in flight, and prints images/s and
 * p50/p95 in ms, the number the HTTP results are compared with.
 *
 *   node dist/bench/resizer/calibrate.js <master.jpg> <seconds>
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { percentile } from './urls.js';

const [file, seconds = '10'] = process.argv.slice(2);
if (!file) throw new Error('usage: calibrate.js <master.jpg> [seconds]');
const master = await readFile(file);
const until = performance.now() + Number(seconds) * 1000;
const latencies: number[] = [];
let n = 0;

async function worker(): Promise<void> {
  while (performance.now() < until) {
    const width = 160 + ((n++ * 37) % 1441);
    const started = performance.now();
    await sharp(master).resize({ width }).jpeg({ quality: 80 }).toBuffer();
    latencies.push(performance.now() - started);
  }
}
const started = performance.now();
await Promise.all([worker(), worker()]);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    mode: 'sharp-in-process',
    images: latencies.length,
    perSecond: Math.round((latencies.length / elapsed) * 10) / 10,
    p50: Math.round(percentile(latencies, 50) * 10) / 10,
    p95: Math.round(percentile(latencies, 95) * 10) / 10,
  })}\n`,
);
