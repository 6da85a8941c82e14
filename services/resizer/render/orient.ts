import type { Sharp } from 'sharp';
import type { LoadedImage } from './load.js';
import type { Dimensions } from './resize.js';

/** EXIF orientations 5–8 are quarter turns: width and height swap. */
const QUARTER_TURNS = new Set([5, 6, 7, 8]);

/** The `orient` render step: rotates and flips by EXIF so output is always upright; returns the upright size for planning. */
export function orient(loaded: LoadedImage): { image: Sharp; upright: Dimensions } {
  const turned = QUARTER_TURNS.has(loaded.orientation);
  return {
    image: loaded.image.autoOrient(),
    upright: turned
      ? { width: loaded.height, height: loaded.width }
      : { width: loaded.width, height: loaded.height },
  };
}
