import { notFound } from '../../../lib/errors.js';
import type { ImageFormat, PhotoManifest, Rendition } from '../../../lib/photos/manifest.js';
import { photoKeys } from '../../../lib/photos/keys.js';
import type { ResizeRequest } from '../request/parse.js';

/** The stored file a render starts from. */
export interface Source {
  key: string;
  kind: 'size' | 'master' | 'original';
  format: ImageFormat;
  width: number;
  height: number;
  /** Carries an Ultra HDR gain map that the JPEG output keeps. */
  gainMap: boolean;
}

/** Renditions are a shade smaller than asked after rounding; this much upscale still counts as enough. */
const TOLERANCE = 1.01;

/**
 * How much decoding a pixel of each stored format costs against JPEG. JPEG
 * decodes fastest and shrinks on load; a 1920 px WebP size took twice as long
 * to render from as the 2048 px JPEG master (54 against 27 ms at 1281–1600 px,
 * BENCHMARKS.md). PNG and AVIF were not measured; their decoders are not
 * faster than WebP's, so they get the same factor.
 */
const decodeCost = (source: Source): number =>
  source.width * source.height * (source.format === 'jpeg' ? 1 : 2);

/**
 * The stored rendition cheapest to decode that still holds enough
 * pixels for the request (a configured size or the master), else the
 * original. Within a format that is the smallest; a JPEG beats a WebP unless
 * it has at least twice the WebP's pixels. Decoding a 640 px size instead of an 18 MP
 * original is most of the resizer's speed.
 *
 * With `gainMap` (a JPEG output of an Ultra HDR photo) only renditions that
 * carry the map qualify, and the original, from which they were cut, has it.
 *
 * With `margin` > 1 (RESIZER_SOURCE_MARGIN) a rendition must hold `margin`
 * times the asked size to be picked, so a lossy copy is downscaled enough to
 * hide its own artefacts; when none does, the largest rendition that covers
 * the request, not the original, whose decode is what the copies avoid.
 */
export function pickSource(
  manifest: PhotoManifest,
  request: ResizeRequest,
  gainMap = false,
  margin = 1,
): Source {
  if (manifest.status === 'failed') throw notFound('photo_not_found', 'no such photo');
  const keys = photoKeys(manifest.id);
  const { format, width, height } = manifest.original;
  const original: Source = { key: keys.original, kind: 'original', format, width, height, gainMap };
  const originalLongEdge = Math.max(original.width, original.height);

  const renditions: Source[] = manifest.conversions
    // Cropped sizes (square thumbnails) hold only part of the picture.
    .filter((c) => sameShape(c, original) && (!gainMap || c.gainMap))
    .sort((a, b) => a.width * a.height - b.width * b.height)
    .map((c) => ({ ...sourceOf(c), kind: 'size' }));
  if (manifest.master && (!gainMap || manifest.master.gainMap)) {
    renditions.push({ ...sourceOf(manifest.master), kind: 'master' });
  }

  const upscale = (r: Source) => upscaleNeeded(r, request, originalLongEdge);
  const covering = renditions.filter((r) => upscale(r) <= TOLERANCE);
  const roomy = covering.filter((r) => upscale(r) * margin <= TOLERANCE);
  const pixels = (r: Source) => r.width * r.height;
  const largest = covering.reduce<Source | undefined>(
    (best, r) => (best && pixels(best) >= pixels(r) ? best : r),
    undefined,
  );
  const pool = roomy.length > 0 ? roomy : largest ? [largest] : [];
  let cheapest: Source | undefined;
  for (const r of pool) {
    if (!cheapest || decodeCost(r) < decodeCost(cheapest)) cheapest = r;
  }
  return cheapest ?? original;
}

function sourceOf(r: Rendition): Omit<Source, 'kind'> {
  const { key, format, width, height } = r;
  return { key, format, width, height, gainMap: r.gainMap === true };
}

/**
 * Whether a rendition shows the whole picture: its aspect ratio is the
 * original's, or the inverse when the original is stored sideways with an
 * EXIF orientation.
 */
function sameShape(rendition: { width: number; height: number }, original: Source): boolean {
  const ratio = rendition.width / rendition.height;
  const close = (a: number) => Math.abs(ratio / a - 1) < 0.02;
  return close(original.width / original.height) || close(original.height / original.width);
}

/**
 * How much `candidate` would have to be enlarged to serve `request`. Long
 * edges stand in when no size is asked (the full original), since they do
 * not depend on EXIF orientation.
 */
function upscaleNeeded(candidate: Source, request: ResizeRequest, originalLongEdge: number): number {
  const { width: w, height: h } = request;
  if (w === undefined) {
    return h === undefined
      ? originalLongEdge / Math.max(candidate.width, candidate.height)
      : h / candidate.height;
  }
  if (h === undefined) return w / candidate.width;
  const sx = w / candidate.width;
  const sy = h / candidate.height;
  return request.fit === 'contain' || request.fit === 'inside' ? Math.min(sx, sy) : Math.max(sx, sy);
}
