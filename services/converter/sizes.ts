import { z } from 'zod';
import { FITS } from '../../lib/photos/fit.js';
import { OUTPUT_FORMATS } from '../../lib/photos/formats.js';

/**
 * One rendition made ahead of time from the master. Defined once: the
 * converter parses CONVERTER_SIZES with it, and the CRD's
 * `spec.converter.sizes` is generated from it (hence the descriptions).
 */
export const sizeSpec = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/)
    .max(32)
    .describe('Name of the size, used in keys and URLs: lowercase letters, digits and dashes.'),
  width: z.int().min(1).max(8192).describe('Width in pixels.'),
  height: z.int().min(1).max(8192).optional().describe('Height in pixels. Empty keeps the aspect ratio.'),
  fit: z.enum(FITS).default('inside').describe('How the image fits width x height (sharp semantics).'),
  format: z.enum(OUTPUT_FORMATS).default('jpeg').describe('Output format.'),
  quality: z.int().min(1).max(100).default(80).describe('Encoder quality, 1-100.'),
});
export type SizeSpec = z.output<typeof sizeSpec>;

/**
 * The sizes benchmarked in BENCHMARKS.md, and the ones the resizer's source
 * picker is tuned for: a square thumbnail for grids, then JPEG and WebP
 * steps that a CDN request of any width can be cut from cheaply.
 */
export const DEFAULT_SIZES: SizeSpec[] = [
  { name: 'thumb', width: 320, height: 320, fit: 'cover', format: 'webp', quality: 75 },
  { name: 'small', width: 640, fit: 'inside', format: 'jpeg', quality: 80 },
  { name: 'medium', width: 1280, fit: 'inside', format: 'jpeg', quality: 82 },
  { name: 'large', width: 1920, fit: 'inside', format: 'webp', quality: 80 },
];
