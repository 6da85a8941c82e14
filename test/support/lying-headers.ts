import sharp from 'sharp';
import { pngChunk, zeroGreyPng } from './png-chunks.js';

/**
 * Issue 31's inputs, rebuilt from their description: headers that lie about
 * the size, metadata that fills the head, damaged PNG and TIFF structure.
 */

/** One GIF frame: where it sits and how big it says it is. */
export interface FrameBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * A GIF with a `screen` logical screen and one frame per box, each frame's
 * pixel data a single clear and end code (a valid stream that decodes to
 * transparent). Forty-odd bytes can describe any canvas this way.
 */
export function gifWithFrames(screen: [number, number], frames: FrameBox[]): Buffer {
  const header = Buffer.alloc(13);
  header.write('GIF89a', 0, 'latin1');
  header.writeUInt16LE(screen[0], 6);
  header.writeUInt16LE(screen[1], 8);
  header[10] = 0x80; // global colour table of 2 entries
  const parts = [header, Buffer.from([0, 0, 0, 255, 255, 255])];
  for (const f of frames) {
    const descriptor = Buffer.alloc(10);
    descriptor[0] = 0x2c;
    descriptor.writeUInt16LE(f.left, 1);
    descriptor.writeUInt16LE(f.top, 3);
    descriptor.writeUInt16LE(f.width, 5);
    descriptor.writeUInt16LE(f.height, 7);
    parts.push(descriptor, Buffer.from([2, 2, 0x4c, 0x01, 0]));
  }
  parts.push(Buffer.from([0x3b]));
  return Buffer.concat(parts);
}

/** The 43-byte class of bomb: a 16×16 screen whose one 16×16 frame sits at (16000, 9000), a 144 MP canvas. */
export const offsetFrameGif = () =>
  gifWithFrames([16, 16], [{ left: 16_000, top: 9_000, width: 16, height: 16 }]);

/** A real `width`×`height` picture, encoded by libvips, whose logical screen is rewritten to `screen`. */
export async function gifWithScreen(
  width: number,
  height: number,
  screen: [number, number],
): Promise<Buffer> {
  const gif = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#4a7',
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  })
    .gif()
    .toBuffer();
  gif.writeUInt16LE(screen[0], 6);
  gif.writeUInt16LE(screen[1], 8);
  return gif;
}

/** A simple lossy WebP (`VP8 ` chunk) whose frame header says it is 0 wide. */
export async function webpZeroWide(): Promise<Buffer> {
  const webp = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c84' } })
    .webp({ quality: 80 })
    .toBuffer();
  if (webp.toString('latin1', 12, 16) !== 'VP8 ') throw new Error('expected a simple lossy WebP');
  webp.writeUInt16LE(webp.readUInt16LE(26) & 0xc000, 26);
  return webp;
}

/** A valid JPEG with `bytes` of APP13 segments (each at most 64 KiB) between SOI and the frame header. */
export async function jpegWithLeadingMetadata(bytes: number): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#357' } })
    .jpeg()
    .toBuffer();
  const segments: Buffer[] = [];
  for (let left = bytes; left > 0;) {
    const body = Math.min(left, 65_000);
    const segment = Buffer.alloc(4 + body, 0x20);
    segment.writeUInt16BE(0xffed, 0);
    segment.writeUInt16BE(body + 2, 2);
    segments.push(segment);
    left -= body;
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** A valid PNG with `bytes` of tEXt chunks between IHDR and IDAT. */
export async function pngWithLeadingText(bytes: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 320, height: 200, channels: 3, background: '#735' } })
    .png()
    .toBuffer();
  const chunks: Buffer[] = [];
  for (let left = bytes, i = 0; left > 0; i++) {
    const body = Math.min(left, 60_000);
    chunks.push(pngChunk('tEXt', Buffer.concat([Buffer.from(`note${i}\0`), Buffer.alloc(body, 0x61)])));
    left -= body;
  }
  const afterIhdr = 8 + 12 + 13;
  return Buffer.concat([png.subarray(0, afterIhdr), ...chunks, png.subarray(afterIhdr)]);
}

/** A PNG with a valid signature whose IHDR chunk claims a length it does not have. */
export async function pngWithLyingLength(): Promise<Buffer> {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#123456' } })
    .png()
    .toBuffer();
  png.writeUInt32BE(5, 8);
  return png;
}

/** A small TIFF whose first-directory offset points into the middle of the header. */
export async function tiffWithBadDirectoryOffset(): Promise<Buffer> {
  const tiff = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#123456' } })
    .tiff()
    .toBuffer();
  tiff.writeUInt32LE(11, 4);
  return tiff;
}

/** A `side`×`side` 1-bit greyscale PNG of zeros: at 16384 px, 268 MP, over sharp's default pixel limit. */
export const pngOneBit = (side: number): Promise<Buffer> => zeroGreyPng(side, 1);
