import sharp from 'sharp';
import { keepGainMap } from '../../../lib/photos/gain-map.js';
import type { MasterSpec, SizeSpec } from '../config.js';

/**
 * The JPEG master of an Ultra HDR original, with its gain map: the same
 * decode as `decodeMaster` (upright, sRGB, at most `maxEdge`), run again on
 * the original in one libvips pipeline so the map is resized and turned with
 * the pixels. Only `quality` reaches the encoder (libultrahdr's); it writes
 * baseline, as the resizer needs.
 */
export function ultraHdrMaster(original: string, spec: MasterSpec) {
  // The size of this same file was checked against CONVERTER_MAX_PIXELS by the first decode.
  return keepGainMap(sharp(original, { failOn: 'warning', autoOrient: true }))
    .resize({ width: spec.maxEdge, height: spec.maxEdge, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .jpeg({ quality: spec.quality });
}

/** A JPEG size cut from an Ultra HDR master (already upright and sRGB), its gain map resized with it. */
export function ultraHdrSize(master: Buffer, size: SizeSpec) {
  return keepGainMap(sharp(master, { failOn: 'error' }))
    .resize({ width: size.width, height: size.height, fit: size.fit, withoutEnlargement: true })
    .jpeg({ quality: size.quality });
}
