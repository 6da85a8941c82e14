import sharp from 'sharp';
import type { ImageFormat } from '../../../lib/photos/manifest.js';
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
  /**
   * The original's path when it is an Ultra HDR JPEG. These pixels cannot
   * carry its gain map, so the JPEG master is cut again from this file with
   * the map kept (`gain-map.ts`).
   */
  gainMapSource?: string;
}

/**
 * Decodes the original straight to master size: EXIF orientation applied,
 * converted to sRGB through its ICC profile (CMYK included), first frame of
 * an animation. Asking for the small size up front lets libjpeg scale the
 * DCT while decoding (shrink-on-load), which is most of the converter's speed.
 */
export async function decodeMaster(
  file: string,
  format: ImageFormat,
  spec: MasterSpec,
  maxPixels: number,
): Promise<MasterPixels> {
  // libjpeg reports a scan cut short ("premature end of data segment") only as
  // a warning and fills the rest grey; a truncated JPEG with FF D9 appended
  // passes media's trailer check that way, so for JPEG a warning is fatal.
  // Other formats keep 'error': libpng warns about harmless things such as a
  // known-incorrect sRGB profile.
  const failOn = format === 'jpeg' ? 'warning' : 'error';
  const input = sharp(file, { failOn, limitInputPixels: maxPixels, autoOrient: true });
  const { exif, gainMap } = await input.metadata();
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
    ...(format === 'jpeg' && gainMap ? { gainMapSource: file } : {}),
  };
}
