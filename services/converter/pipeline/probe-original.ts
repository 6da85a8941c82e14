import sharp from 'sharp';
import type { PhotoManifest } from '../../../lib/photos/manifest.js';

/** The size libvips will decode the original to, read from its header without decoding a pixel. */
export interface DecodedSize {
  width: number;
  height: number;
}

/**
 * Reads the size the decoder will produce (for a GIF the whole canvas, every
 * frame placed) and checks it against the record media wrote. Everything
 * downstream, admission and every render limit, trusts the record, so a
 * record that differs is a failure of the photo, never a size to render from.
 */
export async function probeDecodedSize(
  file: string,
  recorded: PhotoManifest['original'],
): Promise<DecodedSize> {
  // No pixel limit on a header read; the decode itself keeps maxPixels.
  const meta = await sharp(file, { limitInputPixels: false }).metadata();
  const decoded = { width: meta.width, height: meta.height };
  if (decoded.width !== recorded.width || decoded.height !== recorded.height) {
    throw new Error(
      `the original decodes to ${decoded.width}×${decoded.height}, not the ${recorded.width}×${recorded.height} recorded at upload`,
    );
  }
  return decoded;
}
