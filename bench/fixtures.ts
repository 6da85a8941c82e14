import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createDeflate } from 'node:zlib';
import sharp from 'sharp';
import { largeProgressivePhoto } from '../test/support/photos.js';
import { PNG_SIGNATURE, pngChunk } from '../test/support/png-chunks.js';

const CACHE = path.join(process.env.ENLARGER_CACHE ?? path.join(os.homedir(), '.cache/enlarger'), 'bench');

/** The 18 MP progressive wallpaper and the same photo re-encoded as a camera writes it: baseline, 4:2:0, q92. */
export async function benchPhotos(): Promise<{ progressive: string; baseline: string }> {
  const progressive = await largeProgressivePhoto();
  await mkdir(CACHE, { recursive: true });
  const baseline = path.join(CACHE, 'elephants-5640x3172-baseline.jpg');
  if (!existsSync(baseline)) {
    await sharp(progressive)
      .jpeg({ quality: 92, progressive: false, chromaSubsampling: '4:2:0' })
      .toFile(`${baseline}.tmp`);
    await rename(`${baseline}.tmp`, baseline);
  }
  return { progressive, baseline };
}

/**
 * A valid ~300 MB PNG: 10000×10000 RGB of pseudo-random noise, stored
 * uncompressed so its size is predictable. Streamed to disk row by row.
 */
export async function hugePng(): Promise<string> {
  const file = path.join(CACHE, 'noise-10000x10000.png');
  if (existsSync(file)) return file;
  await mkdir(CACHE, { recursive: true });
  const side = 10_000;
  const out = createWriteStream(`${file}.tmp`);
  const write = async (buf: Buffer) => {
    if (!out.write(buf)) await once(out, 'drain');
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  await write(PNG_SIGNATURE);
  await write(pngChunk('IHDR', ihdr));
  const deflate = createDeflate({ level: 0 });
  deflate.on('data', (data: Buffer) => void out.write(pngChunk('IDAT', data)));
  let seed = 1;
  const row = Buffer.alloc(side * 3 + 1);
  for (let y = 0; y < side; y++) {
    for (let i = 1; i < row.length; i++) row[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    if (!deflate.write(row)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  out.end(pngChunk('IEND', Buffer.alloc(0)));
  await once(out, 'finish');
  await rename(`${file}.tmp`, file);
  return file;
}
