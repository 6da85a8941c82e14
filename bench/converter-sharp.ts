/**
 * One sharp converter process: converts `count` copies of `file` (master + the
 * default sizes, exactly the converter's pipeline minus storage) with
 * `concurrency` tasks at once, after a warm-up, and prints a JSON result.
 * Usage: tsx bench/converter-sharp.ts <file> <count> <concurrency> <vipsThreads>
 */
import sharp from 'sharp';
import type { ImageFormat } from '../lib/photos/manifest.js';
import { DecodeAdmission, decodeWorkingSet } from '../services/converter/admission.js';
import { loadConverterConfig } from '../services/converter/config.js';
import { decodeMaster } from '../services/converter/pipeline/decode-master.js';
import { renderAll } from '../services/converter/pipeline/render.js';

const [file, count = '12', concurrency = '2', threads = '1'] = process.argv.slice(2);
if (!file) throw new Error('usage: converter-sharp.ts <file> <count> <concurrency> <vipsThreads>');
sharp.concurrency(Number(threads));
sharp.cache(false);
const config = loadConverterConfig({});
// The converter takes the format from the manifest media wrote; here, from the file.
const { format, width = 0, height = 0 } = await sharp(file).metadata();
// Admitted as the service admits them: by the estimated working set against the default budget.
const admission = new DecodeAdmission(config.memoryBudgetBytes);

async function convertOne(): Promise<void> {
  await admission.run(decodeWorkingSet(width, height), async () => {
    const master = await decodeMaster(file!, format as ImageFormat, config.master, config.maxPixels);
    await renderAll(master, config.master, config.sizes);
  });
}

async function run(total: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next++ < total) await convertOne();
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
}

await run(Number(concurrency)); // warm-up: one per worker
const started = process.hrtime.bigint();
await run(Number(count));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(
  `${JSON.stringify({ images: Number(count), seconds, imagesPerSecond: Number(count) / seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
