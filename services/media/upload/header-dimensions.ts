import sharp from 'sharp';
import type { ImageFormat } from '../../../lib/photos/manifest.js';
import { startingCanvas } from './gif-frames.js';
import { heifHeader } from './heif-header.js';

/** Size of the image as its header declares it, before any pixel is decoded. */
export interface HeaderInfo {
  width: number;
  height: number;
  hasAlpha: boolean;
}

/**
 * Reads the declared size from the leading bytes. libvips parses JPEG, PNG and
 * AVIF headers from a prefix; its GIF and WebP loaders want the whole file, so
 * those two small fixed headers are read here. TIFF keeps its directory at an
 * offset, usually the end of the file, so it is read while streaming
 * ({@link TiffDirectoryReader}); `undefined` means "not known from the head".
 */
export async function headerInfo(head: Buffer, format: ImageFormat): Promise<HeaderInfo | undefined> {
  if (format === 'gif') return gifHeader(head);
  if (format === 'webp') return webpHeader(head);
  // Read here, not by libvips: sharp's libvips has no HEVC decoder and refuses HEIC headers.
  if (format === 'heic') return heifHeader(head);
  try {
    // No pixel limit here: sharp's default would throw on a 16384×16384 header,
    // which media's own limits answer as too_many_pixels, not as corrupt.
    const meta = await sharp(head, { failOn: 'none', limitInputPixels: false }).metadata();
    if (!meta.width || !meta.height) return undefined;
    return { width: meta.width, height: meta.height, hasAlpha: meta.hasAlpha };
  } catch {
    return undefined;
  }
}

/**
 * GIF: the canvas the decoder starts from, given the logical screen at bytes
 * 6–9; the frames, scanned while streaming, can only grow it. Transparency is
 * per frame, so it is assumed.
 */
function gifHeader(b: Buffer): HeaderInfo | undefined {
  if (b.length < 10) return undefined;
  return { ...startingCanvas({ width: b.readUInt16LE(6), height: b.readUInt16LE(8) }), hasAlpha: true };
}

/** WebP: the first chunk after `RIFF....WEBP` is VP8X (extended), VP8L (lossless) or `VP8 ` (lossy). */
function webpHeader(b: Buffer): HeaderInfo | undefined {
  if (b.length < 30) return undefined;
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X') {
    return {
      width: b.readUIntLE(24, 3) + 1,
      height: b.readUIntLE(27, 3) + 1,
      hasAlpha: (b[20]! & 0x10) !== 0,
    };
  }
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21);
    return {
      width: (bits & 0x3fff) + 1,
      height: ((bits >>> 14) & 0x3fff) + 1,
      hasAlpha: ((bits >>> 28) & 1) === 1,
    };
  }
  if (chunk === 'VP8 ' && b.readUIntBE(23, 3) === 0x9d012a) {
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff, hasAlpha: false };
  }
  return undefined;
}
