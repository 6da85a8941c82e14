/**
 * Calibration: sharp alone, in process, no HTTP. Resizes a master to the
 * JPEG-only miss run's widths and quality (`missRequest`, salt 1) with two in
 * flight, no watermark, and prints images/s and p50/p95 in ms, the number
 * the HTTP results are compared with.
 *
 *   node dist/bench/resizer/calibrate.js <master.jpg> <seconds>
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { measure } from './measure.js';
import { missRequest } from '../../test/support/miss-mix.js';

const [file, seconds = '10'] = process.argv.slice(2);
if (!file) throw new Error('usage: calibrate.js <master.jpg> [seconds]');
const master = await readFile(file);
// As the resizer runs it (services/resizer/service.ts), so only the work differs.
sharp.concurrency(1);
sharp.cache(false);

const result = await measure(Number(seconds), 2, async (n) => {
  const { width, quality } = missRequest(n, 1, ['jpeg']);
  await sharp(master).resize({ width }).jpeg({ quality }).toBuffer();
});
process.stdout.write(`${JSON.stringify({ mode: 'sharp-in-process', ...result })}\n`);
