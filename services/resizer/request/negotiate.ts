import { FORMATS, type OutputFormat } from '../../../lib/photos/formats.js';
import type { RequestedFormat } from './parse.js';

/**
 * Every rule that decides a response's format lives here, in two steps:
 * {@link negotiate} from the URL and Accept before the photo is read (what
 * the cache key names), then {@link resolveFormat} once its manifest is
 * known (what is encoded).
 */

/**
 * The outcome of negotiation, known before the photo is read. `legacy` means
 * "no modern format accepted": JPEG, or PNG for a photo with alpha. A photo's
 * alpha never changes, so `legacy` names exactly one output per photo and is
 * safe in a cache key.
 */
export type NegotiatedFormat = OutputFormat | 'legacy';

export interface Negotiation {
  /** The output the URL and Accept ask for; the cache key names it. */
  negotiated: NegotiatedFormat;
  /**
   * With background AVIF, when `fmt=auto` negotiated AVIF: what to answer
   * while no AVIF is rendered yet. The next format the browser accepts (WebP,
   * else legacy): an AVIF encode takes several times a WebP one, too long to
   * wait for. Explicit formats are never replaced.
   */
  standIn: NegotiatedFormat | undefined;
}

/** Settles a request's format from `fmt` and Accept, before the photo is read. */
export function negotiate(
  requested: RequestedFormat,
  accept: string | undefined,
  options: { avif: boolean; background: boolean },
): Negotiation {
  const negotiated = negotiateFormat(requested, accept, options);
  const standsIn = options.background && requested === 'auto' && negotiated === 'avif';
  return { negotiated, standIn: standsIn ? negotiateFormat('auto', accept, { avif: false }) : undefined };
}

/**
 * `fmt=auto` picks AVIF when `Accept` lists it (and AVIF is enabled), else
 * WebP when listed, else legacy. Wildcards do not count: `*\/*` is what old
 * browsers without WebP send too.
 */
export function negotiateFormat(
  requested: RequestedFormat,
  accept: string | undefined,
  options: { avif: boolean },
): NegotiatedFormat {
  if (requested !== 'auto') return requested;
  const accepted = acceptedImageTypes(accept);
  if (options.avif && accepted.has(FORMATS.avif.mime)) return 'avif';
  if (accepted.has(FORMATS.webp.mime)) return 'webp';
  return 'legacy';
}

/** What {@link resolveFormat} needs of the photo, from its manifest. */
export interface PhotoShape {
  hasAlpha: boolean;
  /** Output pixels the request will get (counted only when the AVIF cap needs them). */
  outputPixels: () => number;
}

/**
 * The format to encode, once the photo's manifest is known: `legacy` is
 * settled by alpha, and a `fmt=auto` AVIF past `avifMaxPixels` becomes WebP
 * (the browser accepts both; WebP can be cut at the deadline). An explicit
 * `fmt=avif` stays AVIF; the render is scaled down to the cap instead.
 */
export function resolveFormat(
  negotiated: NegotiatedFormat,
  requested: RequestedFormat,
  photo: PhotoShape,
  avifMaxPixels: number,
): OutputFormat {
  if (negotiated === 'legacy') return photo.hasAlpha ? 'png' : 'jpeg';
  if (negotiated === 'avif' && requested === 'auto' && photo.outputPixels() > avifMaxPixels) return 'webp';
  return negotiated;
}

/** Media types listed in an Accept header with a quality above zero. */
function acceptedImageTypes(accept: string | undefined): Set<string> {
  const types = new Set<string>();
  if (!accept) return types;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (type && (q === undefined || Number(q.slice(2)) > 0)) types.add(type);
  }
  return types;
}
