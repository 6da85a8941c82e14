import sharp from 'sharp';
import type { PhotoManifest } from '../../../lib/photos/manifest.js';
import type { MasterSpec } from '../config.js';
import { decodeMaster, type MasterPixels } from './decode-master.js';
import { decodeHeif } from './heif-decode.js';

/**
 * Decodes an original of any accepted format to master pixels. libvips reads
 * all but HEIC itself; a HEIC is first decoded by libheif to a PNG, which must
 * have the size media read from its header (turned by `irot` or not).
 */
export async function decodeOriginal(
  file: string,
  original: PhotoManifest['original'],
  spec: MasterSpec,
  maxPixels: number,
): Promise<MasterPixels> {
  if (original.format !== 'heic') return decodeMaster(file, original.format, spec, maxPixels);
  const heif = await decodeHeif(file, original.width * original.height);
  try {
    await checkDeclaredSize(heif.path, original);
    return await decodeMaster(heif.path, 'png', spec, maxPixels);
  } finally {
    await heif.dispose();
  }
}

/** A coded image larger than its `ispe` would dodge media's limits and the admission's estimate. */
async function checkDeclaredSize(png: string, declared: { width: number; height: number }): Promise<void> {
  const { width, height } = await sharp(png).metadata();
  const upright = width === declared.width && height === declared.height;
  const turned = width === declared.height && height === declared.width;
  if (!upright && !turned) {
    throw new Error(
      `decoded ${width}×${height}, but its header declared ${declared.width}×${declared.height}`,
    );
  }
}
