import { unprocessable } from '../../../lib/errors.js';
import type { MediaLimits } from '../config.js';

/** A width and a height, as recorded or as some part of a file declares. */
export interface Dimensions {
  width: number;
  height: number;
}

/**
 * Refuses a size that cannot be recorded (zero) and one the converter should
 * never try to decode ({@link checkWithinLimits}).
 */
export function checkDimensions(size: Dimensions, limits: MediaLimits): void {
  const { width, height } = size;
  // A record of 0 can never be rendered or even read back (the manifest wants positive sizes).
  if (width === 0 || height === 0) {
    throw unprocessable('zero_size', `image is ${width}×${height}; an image needs at least one pixel`);
  }
  checkWithinLimits(size, limits);
}

/**
 * Refuses declared sizes the converter should never try to decode: a 20000 ×
 * 20000 PNG compresses to a few hundred KB and would decode to 1.6 GB.
 */
export function checkWithinLimits({ width, height }: Dimensions, limits: MediaLimits): void {
  if (width > limits.maxWidth || height > limits.maxHeight) {
    throw unprocessable(
      'dimensions_too_large',
      `image is ${width}×${height}; the limit is ${limits.maxWidth}×${limits.maxHeight}`,
    );
  }
  if (width * height > limits.maxPixels) {
    throw unprocessable(
      'too_many_pixels',
      `image has ${width * height} pixels; the limit is ${limits.maxPixels}`,
    );
  }
}
