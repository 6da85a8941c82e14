import type { NegotiatedFormat } from './negotiate.js';
import type { ResizeRequest } from './parse.js';

/**
 * The identity of an output: the photo at one version of its record
 * (`version`, the manifest's `updatedAt`), the parameters that change pixels,
 * and the negotiated format (never the raw Accept header, so the endless
 * variety of Accept strings cannot fragment the cache). Parameters that have
 * no effect are left out: gravity without a crop, quality for PNG. Keyed by
 * version, a cached output can never outlive the record it was rendered
 * from: once the manifest changes (failed, re-converted) or is gone, the old
 * entries are unreachable.
 */
export function cacheKey(request: ResizeRequest, format: NegotiatedFormat, version: string): string {
  const crops = request.fit === 'cover' && request.width !== undefined && request.height !== undefined;
  const parts = [
    request.id,
    version,
    `w${request.width ?? ''}`,
    `h${request.height ?? ''}`,
    // With one dimension or none every fit gives the same picture.
    request.width !== undefined && request.height !== undefined ? request.fit : 'any',
    crops ? gravityPart(request) : '',
    // fmt=auto may turn AVIF into WebP past the AVIF pixel cap, where fmt=avif scales down: two outputs.
    request.format === 'auto' && format === 'avif' ? 'auto-avif' : format,
    format === 'png' ? '' : `q${request.quality ?? ''}`,
    request.watermark ? 'wm' : 'nowm',
  ];
  return parts.join('|');
}

function gravityPart(request: ResizeRequest): string {
  return request.focal ? `f${request.focal.x},${request.focal.y}` : `g${request.gravity}`;
}
