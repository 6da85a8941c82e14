import type { Region, Sharp } from 'sharp';
import type { Fit } from '../../../lib/photos/fit.js';
import type { Gravity, ResizeRequest } from '../request/parse.js';

export interface Dimensions {
  width: number;
  height: number;
}

export interface ResizeLimits {
  /** Whether output may be larger than the source. */
  allowEnlarge: boolean;
  /** Output is scaled down, keeping its shape, until it has at most this many pixels. */
  maxOutputPixels: number;
}

/** Exactly what libvips is asked to do; the output size is settled here, not by sharp's rounding. */
export interface ResizePlan {
  /** Final output size. */
  width: number;
  height: number;
  /** How the source maps onto `width`×`height`. */
  fit: 'cover' | 'contain' | 'fill';
  position: Exclude<Gravity, 'center'> | 'centre';
  /** Focal-point crops resize to this size first, then cut `extract` out of it. */
  focalCrop?: { resizeTo: Dimensions; extract: Region };
}

/**
 * The original's upright size as seen through `upright`, the size of the
 * rendition actually loaded. Output geometry (the no-enlarge cap above all)
 * is planned against the original, so it does not depend on which rendition
 * served the request.
 */
export function originalSize(upright: Dimensions, originalLongEdge: number): Dimensions {
  const scale = originalLongEdge / Math.max(upright.width, upright.height);
  return { width: upright.width * scale, height: upright.height * scale };
}

/**
 * The pure part of step 6: the output size for an upright source of
 * `source` dimensions (see {@link originalSize}), honouring fit, the no-enlarge rule and the pixel cap.
 */
export function planResize(source: Dimensions, request: ResizeRequest, limits: ResizeLimits): ResizePlan {
  const { width: sw, height: sh } = source;
  const aspect = sw / sh;
  // With one side (or none) asked, the other follows the source's shape and every fit is the same.
  const both = request.width !== undefined && request.height !== undefined;
  let boxW = request.width ?? (request.height !== undefined ? request.height * aspect : sw);
  let boxH = request.height ?? (request.width !== undefined ? request.width / aspect : sh);
  const fit: Fit = both ? request.fit : 'fill';

  // How far the output outgrows the source. Only inside is measured by its
  // content; for contain the letterbox bars count too, so outputs never exceed the source.
  const sx = boxW / sw;
  const sy = boxH / sh;
  const growth = fit === 'inside' ? Math.min(sx, sy) : Math.max(sx, sy);
  if (!limits.allowEnlarge && growth > 1) {
    boxW /= growth;
    boxH /= growth;
  }
  // inside/outside output the scaled source itself, so their size is the content's.
  if (fit === 'inside' || fit === 'outside') {
    const s = fit === 'inside' ? Math.min(boxW / sw, boxH / sh) : Math.max(boxW / sw, boxH / sh);
    boxW = sw * s;
    boxH = sh * s;
  }
  const pixels = boxW * boxH;
  const capped = pixels > limits.maxOutputPixels;
  if (capped) {
    const k = Math.sqrt(limits.maxOutputPixels / pixels);
    boxW *= k;
    boxH *= k;
  }
  let width = Math.max(1, Math.round(boxW));
  let height = Math.max(1, Math.round(boxH));
  // Rounding can pass a cap by a few pixels, and a render held to the memory budget's pixels
  // would then be refused by the limiter for a few bytes over it: such a size rounds down.
  // Only then: flooring every capped size would take a pixel off sizes that already fit.
  if (capped && width * height > limits.maxOutputPixels) {
    width = Math.max(1, Math.floor(boxW));
    height = Math.max(1, Math.floor(boxH));
  }

  const plan: ResizePlan = {
    width,
    height,
    fit: fit === 'cover' || fit === 'contain' ? fit : 'fill',
    position: request.gravity === 'center' || request.gravity === 'focal' ? 'centre' : request.gravity,
  };
  if (fit === 'cover' && request.focal) plan.focalCrop = focalCrop(source, { width, height }, request.focal);
  return plan;
}

/** Cover by scaling the source to just cover the output, then cutting the window centred on the focal point. */
function focalCrop(source: Dimensions, out: Dimensions, focal: { x: number; y: number }) {
  const scale = Math.max(out.width / source.width, out.height / source.height);
  const resizeTo = {
    width: Math.max(out.width, Math.round(source.width * scale)),
    height: Math.max(out.height, Math.round(source.height * scale)),
  };
  const clamp = (v: number, max: number) => Math.min(Math.max(0, Math.round(v)), max);
  const extract = {
    left: clamp(focal.x * resizeTo.width - out.width / 2, resizeTo.width - out.width),
    top: clamp(focal.y * resizeTo.height - out.height / 2, resizeTo.height - out.height),
    width: out.width,
    height: out.height,
  };
  return { resizeTo, extract };
}

/** Transparent white: letterbox bars stay see-through in PNG/WebP/AVIF and turn white in JPEG. */
const LETTERBOX = { r: 255, g: 255, b: 255, alpha: 0 };

/** The `resize` render step: adds the planned resize to the libvips pipeline (shrink-on-load happens here, at decode). */
export function resize(image: Sharp, plan: ResizePlan): Sharp {
  if (plan.focalCrop) {
    return image.resize({ ...plan.focalCrop.resizeTo, fit: 'fill' }).extract(plan.focalCrop.extract);
  }
  return image.resize({
    width: plan.width,
    height: plan.height,
    fit: plan.fit,
    position: plan.position,
    background: LETTERBOX,
  });
}
