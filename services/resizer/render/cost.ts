import type { ImageFormat, OutputFormat } from '../../../lib/photos/formats.js';

/**
 * Bytes held per output pixel besides the 4-byte RGBA frame the resize and
 * watermark produce: encoders that need the whole picture keep their own
 * copies. Measured as RSS growth encoding 4 and 16 MP of noise with one
 * libvips thread: JPEG streams, PNG and WebP keep about one copy, AVIF (aom)
 * about three.
 */
const ENCODER_BYTES_PER_PIXEL: Record<OutputFormat, number> = { jpeg: 1, png: 4, webp: 6, avif: 12 };

/**
 * Sources whose decoder holds every decoded pixel at once. JPEG, PNG and
 * TIFF stream rows into the resize; WebP decodes whole but at its
 * shrink-on-load scale, up to twice the output size per side.
 */
function decodeBytes(format: ImageFormat, sourcePixels: number, outputPixels: number): number {
  switch (format) {
    case 'jpeg':
    case 'png':
    case 'tiff':
      return 0;
    case 'webp':
      return Math.min(sourcePixels, 4 * outputPixels) * 4;
    // Renders read the master and sizes, never a HEIC original; were one read, it decodes whole.
    case 'heic':
    case 'avif':
    case 'gif':
      return sourcePixels * 4;
  }
}

/**
 * The most output pixels a render of `format` from `source` may have for
 * its working set to fit `budgetBytes`: the per-format output limit that
 * follows from the memory budget (AVIF's is a quarter of JPEG's). Zero when
 * the decode alone does not fit.
 */
export function maxPixelsWithin(
  budgetBytes: number,
  source: { format: ImageFormat; width: number; height: number },
  format: OutputFormat,
): number {
  // WebP's scaled decode is at most 4 bytes × 4 pixels per output pixel; whole-image decoders cost a fixed amount.
  const perPixel = 4 + ENCODER_BYTES_PER_PIXEL[format] + (source.format === 'webp' ? 16 : 0);
  const fixed = decodeBytes(source.format, source.width * source.height, 0);
  return Math.max(0, Math.floor((budgetBytes - fixed) / perPixel));
}

/**
 * Estimated peak bytes one render holds beyond the process's baseline: what
 * the limiter admits renders by. Errs high; being refused or queued is
 * cheaper than the pod being OOM-killed with every request in it.
 */
export function workingSetBytes(args: {
  source: { format: ImageFormat; width: number; height: number };
  outputPixels: number;
  format: OutputFormat;
}): number {
  const { source, outputPixels, format } = args;
  const frame = outputPixels * (4 + ENCODER_BYTES_PER_PIXEL[format]);
  return Math.ceil(decodeBytes(source.format, source.width * source.height, outputPixels) + frame);
}
