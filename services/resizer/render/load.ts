import { fileTypeFromBuffer } from 'file-type';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { HttpError } from '../../../lib/errors.js';
import { formatOfLoader, formatOfMime } from '../../../lib/photos/formats.js';
import { DeadlineExceededError, isVipsTimeout } from '../runtime/deadline.js';
import type { Source } from './pick-source.js';

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
 * The `load` render step: opens the source bytes. Decoding waits for the step that renders
 * (watermark or encode), in one libvips pipeline with the resize, which is
 * what lets JPEG and WebP shrink on load: a JPEG bound for a quarter of its
 * width is decoded straight at that scale.
 *
 * The original, as uploaded, has its header read to learn its size and EXIF
 * orientation. A master or size was written by the converter, upright, at
 * the size and in the format its manifest records: only its magic bytes are
 * checked, so libvips can pick no other loader, and the header read, a
 * second libvips call per request, is saved.
 */
export async function load(bytes: Buffer, source: Source, limits: LoadLimits): Promise<LoadedImage> {
  // failOn 'error': a truncated or corrupt file fails instead of rendering grey blocks.
  const open = () =>
    sharp(bytes, { limitInputPixels: limits.maxSourcePixels, failOn: 'error', sequentialRead: true });
  if (source.kind !== 'original') {
    const sniffed = await fileTypeFromBuffer(bytes.subarray(0, 64)).catch(() => undefined);
    if (!sniffed || formatOfMime(sniffed.mime) !== source.format) {
      throw unreadableSource(new Error(`stored ${source.kind} is not the ${source.format} its record says`));
    }
    return { image: open(), width: source.width, height: source.height, orientation: 1 };
  }
  let image: Sharp;
  let meta: Metadata;
  try {
    image = open();
    meta = await image.metadata();
  } catch (err) {
    throw unreadableSource(err);
  }
  // Only the loaders of formats we store run; SVG, PDF and friends are refused: they can reach outside.
  if (!formatOfLoader(meta.format) || !meta.width || !meta.height) {
    throw unreadableSource(new Error(`stored source is ${meta.format ?? 'not an image'}`));
  }
  // The render was admitted and sized from the record: an original that decodes to
  // another size (a record from before media read GIF canvases) would break both.
  // Records made by hand may give the upright size of a sideways-stored photo.
  const { width, height } = meta;
  const sideways = (meta.orientation ?? 1) >= 5;
  const recorded = (w: number, h: number) => w === source.width && h === source.height;
  if (!recorded(width, height) && !(sideways && recorded(height, width))) {
    throw unreadableSource(
      new Error(`original decodes to ${width}×${height}, not the recorded ${source.width}×${source.height}`),
    );
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
