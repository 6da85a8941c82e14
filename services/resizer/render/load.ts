import sharp, { type Metadata, type Sharp } from 'sharp';
import { HttpError } from '../../../lib/errors.js';
import { formatOfLoader } from '../../../lib/photos/formats.js';
import { DeadlineExceededError, isVipsTimeout } from '../runtime/deadline.js';

/** A source whose header has been read; decoding waits for the encode step. */
export interface LoadedImage {
  image: Sharp;
  width: number;
  height: number;
  /** EXIF orientation, 1 when absent. */
  orientation: number;
}

export interface LoadLimits {
  /** Sources with more pixels than this are refused before decoding (decompression bombs). */
  maxSourcePixels: number;
}

/**
 * Step 4: opens the source bytes and reads only the header. Decoding waits
 * for the step that renders (watermark or encode), in one libvips pipeline
 * with the resize, which is what lets JPEG and WebP shrink on load: a JPEG
 * bound for a quarter of its width is decoded straight at that scale.
 */
export async function load(bytes: Buffer, limits: LoadLimits): Promise<LoadedImage> {
  let image: Sharp;
  let meta: Metadata;
  try {
    // failOn 'error': a truncated or corrupt file fails instead of rendering grey blocks.
    image = sharp(bytes, { limitInputPixels: limits.maxSourcePixels, failOn: 'error', sequentialRead: true });
    meta = await image.metadata();
  } catch (err) {
    throw unreadableSource(err);
  }
  // Only the loaders of formats we store run; SVG, PDF and friends are refused: they can reach outside.
  if (!formatOfLoader(meta.format) || !meta.width || !meta.height) {
    throw unreadableSource(new Error(`stored source is ${meta.format ?? 'not an image'}`));
  }
  if (meta.width * meta.height > limits.maxSourcePixels) {
    throw unreadableSource(new Error(`source has ${meta.width}×${meta.height} pixels, past the limit`));
  }
  return {
    image,
    width: meta.width,
    height: meta.height,
    orientation: meta.orientation ?? 1,
  };
}

/**
 * A stored file libvips cannot or will not decode. The client asked for a
 * valid photo, so this is ours to fix: 422, logged loudly. libvips killed at
 * the deadline fails the same calls, and is a 503 like any deadline.
 */
export function unreadableSource(cause: unknown): HttpError {
  if (isVipsTimeout(cause)) return new DeadlineExceededError('libvips');
  return new HttpError(422, 'source_unreadable', 'the stored image cannot be processed', true, { cause });
}
