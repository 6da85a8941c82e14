import { badRequest, notFound } from '../../../lib/errors.js';
import { FITS, type Fit } from '../../../lib/photos/fit.js';
import { OUTPUT_FORMATS } from '../../../lib/photos/formats.js';
import { isPhotoId } from '../../../lib/photos/keys.js';
import { PLACEMENTS } from '../render/placement.js';
import { assertCanonical } from './canonical.js';

/** Where a cover crop keeps its focus: a side or corner, or libvips' smart crops. */
export const GRAVITIES = [...PLACEMENTS, 'attention', 'entropy'] as const;
export type Gravity = (typeof GRAVITIES)[number];

/** `fmt=`: any format the services write, or `auto` to negotiate one from Accept. */
export const REQUESTED_FORMATS = ['auto', ...OUTPUT_FORMATS] as const;
export type RequestedFormat = (typeof REQUESTED_FORMATS)[number];

/** A focal point as fractions of the upright source, 0..1 from the top-left corner. */
export interface FocalPoint {
  x: number;
  y: number;
}

/** Everything a URL asks for, validated. Width and height already include `dpr`. */
export interface ResizeRequest {
  id: string;
  width?: number;
  height?: number;
  fit: Fit;
  /** Where cover crops; `focal` when fx/fy are given. */
  gravity: Gravity | 'focal';
  focal?: FocalPoint;
  format: RequestedFormat;
  quality?: number;
  watermark: boolean;
  signature?: string;
}

export interface ParseLimits {
  /** Largest w or h (after dpr) a URL may ask for. */
  maxDimension: number;
  /** Whether `wm=0` may drop the watermark. */
  watermarkOptOut: boolean;
}

const KNOWN = new Set(['w', 'h', 'fit', 'g', 'fx', 'fy', 'dpr', 'fmt', 'q', 'wm', 's']);

/**
 * Turns `/v1/photos/{id}?…` into a {@link ResizeRequest}, or a 400
 * naming the parameter. Unknown and repeated parameters are refused too, so
 * junk cannot multiply cache entries or hide a typo, and so is any other
 * spelling of an output that has a shorter one ({@link assertCanonical}).
 */
export function parseRequest(id: string, query: URLSearchParams, limits: ParseLimits): ResizeRequest {
  // An id that cannot exist is simply not found; the pattern also rules out traversal.
  if (!isPhotoId(id)) throw notFound('photo_not_found', 'no such photo');
  const params = new Map<string, string>();
  for (const [name, value] of query) {
    if (!KNOWN.has(name)) throw badRequest('bad_parameter', `unknown parameter "${name}"`);
    if (params.has(name)) throw badRequest('bad_parameter', `${name}: given more than once`);
    params.set(name, value);
  }

  const dpr = optionalNumber(params, 'dpr', 1, 4) ?? 1;
  const scaled = (name: 'w' | 'h') => {
    const value = optionalInt(params, name, 1, limits.maxDimension);
    if (value === undefined) return undefined;
    const px = Math.round(value * dpr);
    if (px > limits.maxDimension) {
      throw badRequest(
        'bad_parameter',
        `${name}: ${value} × dpr ${dpr} is past the limit of ${limits.maxDimension}`,
      );
    }
    return px;
  };
  const width = scaled('w');
  const height = scaled('h');

  const fit = optionalEnum(params, 'fit', FITS) ?? 'cover';
  const gravityParam = optionalEnum(params, 'g', GRAVITIES);
  const focal = parseFocal(params);
  if (focal && gravityParam) throw badRequest('bad_parameter', 'g: give either g or fx/fy, not both');

  const wm = params.get('wm');
  if (wm !== undefined && wm !== '0' && wm !== '1') throw badRequest('bad_parameter', 'wm: must be 0 or 1');
  if (wm === '0' && !limits.watermarkOptOut) {
    throw badRequest('bad_parameter', 'wm: dropping the watermark is not allowed here');
  }

  const signature = params.get('s');
  if (signature !== undefined && !/^[A-Za-z0-9_-]{1,128}$/.test(signature)) {
    throw badRequest('bad_parameter', 's: must be a base64url signature');
  }

  const request: ResizeRequest = {
    id,
    ...(width !== undefined && { width }),
    ...(height !== undefined && { height }),
    fit,
    gravity: focal ? 'focal' : (gravityParam ?? 'center'),
    ...(focal && { focal }),
    format: optionalEnum(params, 'fmt', REQUESTED_FORMATS) ?? 'auto',
    ...(params.has('q') && { quality: optionalInt(params, 'q', 1, 100) }),
    watermark: wm !== '0',
    ...(signature !== undefined && { signature }),
  };
  assertCanonical(params, request);
  return request;
}

function parseFocal(params: Map<string, string>): FocalPoint | undefined {
  const x = optionalNumber(params, 'fx', 0, 1);
  const y = optionalNumber(params, 'fy', 0, 1);
  if (x === undefined && y === undefined) return undefined;
  if (x === undefined) throw badRequest('bad_parameter', 'fx: required with fy');
  if (y === undefined) throw badRequest('bad_parameter', 'fy: required with fx');
  return { x, y };
}

function optionalInt(
  params: Map<string, string>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = params.get(name);
  if (raw === undefined) return undefined;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw badRequest(
      'bad_parameter',
      `${name}: must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

function optionalNumber(
  params: Map<string, string>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = params.get(name);
  if (raw === undefined) return undefined;
  const value = /^\d{1,3}(\.\d{1,6})?$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw badRequest(
      'bad_parameter',
      `${name}: must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

function optionalEnum<T extends string>(
  params: Map<string, string>,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const raw = params.get(name);
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw badRequest(
      'bad_parameter',
      `${name}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`,
    );
  }
  return raw as T;
}
