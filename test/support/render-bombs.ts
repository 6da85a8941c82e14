import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { ImageFormat, PhotoManifest } from '../../lib/photos/manifest.js';
import type { Storage } from '../../lib/storage/storage.js';
import { noise } from './noise.js';
import { storeOriginal } from './stored-original.js';

/**
 * Originals that are legal uploads but expensive to render: the attacks of
 * issue 10 item 1. Noise, not a flat colour, because encoders race through
 * flat areas and the attack would look cheaper than it is.
 */
export async function bigNoisyJpeg(width: number, height: number): Promise<Buffer> {
  return noise(width, height, { background: '#808080' }).jpeg({ quality: 85 }).toBuffer();
}

/** A lossless WebP of one flat colour: a few dozen bytes that decode to `width`×`height` pixels. */
export async function tinyLosslessWebp(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .webp({ lossless: true, effort: 0 })
    .toBuffer();
}

/** Stores `bytes` as a ready photo with only its original, as media and a converter that failed to keep up leave it. */
export function storeOriginalOnly(
  storage: Storage,
  bytes: Buffer,
  format: ImageFormat,
): Promise<PhotoManifest> {
  return storeOriginal(storage, bytes, { status: 'ready', format });
}

/** Peak resident memory of a process so far (VmHWM), in bytes; Linux only. */
export async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmHWM for pid ${pid}`);
  return Number(kib) * 1024;
}

/** CPU time a process has used so far, user and system, in seconds; Linux only. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
