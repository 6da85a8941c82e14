import { z } from 'zod';
import { imageFormat } from './formats.js';

/**
 * A photo's record lives in storage next to its files, so there is no
 * database to keep in step with the object store:
 *
 *   photos/{id}/original        the upload, as received
 *   photos/{id}/manifest.json   this record
 *   photos/{id}/master.{ext}    upright, sRGB, baseline, long edge <= maxEdge
 *   photos/{id}/sizes/{name}.{ext}
 */
export const photoStatus = z.enum(['processing', 'ready', 'failed']);
export type PhotoStatus = z.infer<typeof photoStatus>;

export { imageFormat, type ImageFormat } from './formats.js';

const rendition = z.object({
  key: z.string(),
  format: imageFormat,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  /** An Ultra HDR JPEG: it carries the original's gain map (lib/photos/gain-map.ts). */
  gainMap: z.literal(true).optional(),
});
export type Rendition = z.infer<typeof rendition>;

export const conversion = rendition.extend({ name: z.string() });
export type Conversion = z.infer<typeof conversion>;

export const photoManifest = z.object({
  id: z.string(),
  status: photoStatus,
  photographer: z.string().optional(),
  /** Who the site says uploaded it, from the upload token; opaque to the platform. */
  owner: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  original: z.object({
    format: imageFormat,
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    bytes: z.number().int().nonnegative(),
    /** True when the image carries an alpha channel (format negotiation needs it). */
    hasAlpha: z.boolean().default(false),
  }),
  master: rendition.optional(),
  conversions: z.array(conversion).default([]),
  /**
   * Which converter settings made the master and sizes (`storedCopies()` of
   * the converter): absent on photos converted before issue 29. `enlarger
   * reconvert` re-queues the photos whose copies are not the current ones.
   */
  copies: z.string().optional(),
  /** Why conversion failed, when status is `failed`. */
  error: z.string().optional(),
});
export type PhotoManifest = z.infer<typeof photoManifest>;

/** The conversion task carried on the queue. Everything else is read from the manifest. */
export const conversionTask = z.object({
  photoId: z.string(),
  /** Re-render a `ready` photo whose stored copies were made with other settings (`enlarger reconvert`). */
  reconvert: z.literal(true).optional(),
});
export type ConversionTask = z.infer<typeof conversionTask>;
