import type { OutputFormat } from '../../../lib/photos/formats.js';
import type { RequestedFormat } from './parse.js';

/**
 * The outcome of negotiation, known before the photo is read. `legacy` means
 * "no modern format accepted": JPEG, or PNG for a photo with alpha. A photo's
 * alpha never changes, so `legacy` names exactly one output per photo and is
 * safe in a cache key.
 */
export type NegotiatedFormat = OutputFormat | 'legacy';

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
  if (options.avif && accepted.has('image/avif')) return 'avif';
  if (accepted.has('image/webp')) return 'webp';
  return 'legacy';
}

/** Settles `legacy` once the photo's alpha is known. */
export function resolveFormat(negotiated: NegotiatedFormat, hasAlpha: boolean): OutputFormat {
  if (negotiated !== 'legacy') return negotiated;
  return hasAlpha ? 'png' : 'jpeg';
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

/**
 * The format to answer with now when `fmt=auto` negotiated AVIF and no AVIF
 * is rendered yet, or undefined to render what was negotiated on the request
 * path. The stand-in is the next format the browser accepts (WebP, else
 * legacy): an AVIF encode takes several times a WebP one, too long to wait
 * for. Explicit formats are never replaced.
 */
export function avifStandIn(
  requested: RequestedFormat,
  negotiated: NegotiatedFormat,
  accept: string | undefined,
  options: { background: boolean },
): NegotiatedFormat | undefined {
  if (!options.background || requested !== 'auto' || negotiated !== 'avif') return undefined;
  return negotiateFormat('auto', accept, { avif: false });
}
