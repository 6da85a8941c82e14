import sharp from 'sharp';
import type { MasterSpec } from '../config.js';
import { exifCopyright } from './copyright.js';

/** The master's pixels, decoded once and reused for every rendition. */
export interface MasterPixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  hasAlpha: boolean;
  copyright: string | undefined;
}

/**
 * Decodes the original straight to master size: EXIF orientation applied,
 * converted to sRGB through its ICC profile (CMYK included), first frame of
 * an animation. Asking for the small size up front lets libjpeg scale the
 * DCT while decoding (shrink-on-load), which is most of the converter's speed.
 */
export async function decodeMaster(file: string, spec: MasterSpec, maxPixels: number): Promise<MasterPixels> {
  const input = sharp(file, { failOn: 'error', limitInputPixels: maxPixels, autoOrient: true });
  const { exif } = await input.metadata();
  const { data, info } = await input
    .resize({ width: spec.maxEdge, height: spec.maxEdge, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data,
    width: info.width,
    height: info.height,
    channels: info.channels,
    hasAlpha: info.hasAlpha,
    copyright: exifCopyright(exif),
  };
}
