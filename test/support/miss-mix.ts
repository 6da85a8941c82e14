/**
 * The resizer miss mix the benchmarks and the soak send: every URL a new
 * output, so each request is a render.
 */

/** The n-th request of the benchmark's miss mix, as its URL asks it. */
export interface MissRequest {
  width: number;
  format: string;
  quality: number;
}

/** How many widths the miss mix asks, 160–1600 px: a different one on each of that many requests in a row. */
export const MISS_WIDTHS = 1441;

/** The n-th width of the miss mix. */
export const missWidth = (n: number): number => 160 + ((n * 37) % MISS_WIDTHS);

/**
 * The benchmark's request mix: widths from 160 to 1600 px in `formats`
 * (JPEG and WebP by default). `salt` goes into `q` (60 + salt) so separate
 * runs on one photo never share a URL, and within a run every n below
 * 1441 × formats gives a new URL. The calibrations do the same work.
 */
export function missRequest(n: number, salt: number, formats: readonly string[]): MissRequest {
  return { width: missWidth(n), format: formats[n % formats.length]!, quality: 60 + salt };
}

/** {@link missRequest} as a URL path, watermark on as in production. */
export function missUrl(photoId: string, n: number, salt: number, formats: readonly string[]): string {
  const { width, format, quality } = missRequest(n, salt, formats);
  return `/v1/photos/${photoId}?w=${width}&fmt=${format}&q=${quality}`;
}
