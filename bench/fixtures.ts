import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createDeflate } from 'node:zlib';
import sharp from 'sharp';
import { largeProgressivePhoto } from '../test/support/photos.js';

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
  await write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  await write(chunk('IHDR', ihdr));
  const deflate = createDeflate({ level: 0 });
  deflate.on('data', (data: Buffer) => void out.write(chunk('IDAT', data)));
  let seed = 1;
  const row = Buffer.alloc(side * 3 + 1);
  for (let y = 0; y < side; y++) {
    for (let i = 1; i < row.length; i++) row[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    if (!deflate.write(row)) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  out.end(chunk('IEND', Buffer.alloc(0)));
  await once(out, 'finish');
  await rename(`${file}.tmp`, file);
  return file;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
