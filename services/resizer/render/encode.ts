import { createHash } from 'node:crypto';
import type { Sharp } from 'sharp';
import type { OutputFormat } from '../../../lib/photos/formats.js';
import { keepGainMap } from '../../../lib/photos/gain-map.js';
import { encoderOptions, type EncoderSettings } from './encoder-options.js';
import { unreadableSource } from './load.js';

/** The encoders' settings, owned by `encoder-options.ts`. */
export type EncodeSettings = EncoderSettings;

/** A finished output, as cached and served. */
export interface Rendered {
  body: Buffer;
  format: OutputFormat;
  width: number;
  height: number;
  /** Strong validator: a hash of the bytes, so equal ETags mean equal bodies. */
  etag: string;
}

/**
 * The `encode` render step: encodes, running whatever of the libvips pipeline is still pending
 * (decode with shrink-on-load, orient, resize, unless the watermark step
 * already rendered the pixels). sRGB out whatever came in (CMYK, Display P3,
 * grey); metadata is stripped because sharp keeps none unless asked.
 *
 * With `gainMap` (a source that has one) a JPEG keeps the Ultra HDR gain map,
 * resized and cropped with the picture; libultrahdr then writes it, baseline,
 * taking only the quality. A watermarked render reaches here as raw pixels
 * with no map, and comes out SDR.
 */
export async function encode(
  image: Sharp,
  format: OutputFormat,
  quality: number | undefined,
  settings: EncodeSettings,
  gainMap = false,
): Promise<Rendered> {
  const srgb =
    gainMap && format === 'jpeg' ? keepGainMap(image).toColourspace('srgb') : image.toColourspace('srgb');
  const encoder = srgb.toFormat(format, encoderOptions(format, quality, settings).options);
  let result: { data: Buffer; info: { width: number; height: number } };
  try {
    result = await encoder.toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw unreadableSource(err);
  }
  return {
    body: result.data,
    format,
    width: result.info.width,
    height: result.info.height,
    etag: `"${createHash('sha256').update(result.data).digest('base64url').slice(0, 27)}"`,
  };
}
