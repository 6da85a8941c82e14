/**
 * The browser mix of `make bench-peers`: what current browsers send for an
 * `<img srcset>` on a page, against Enlarger's `fmt=auto`.
 */

/** `Accept` of an image request, as each browser sends it (Chrome 131, Firefox 133, Safari 18). */
export const BROWSER_ACCEPT = {
  chrome: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
  firefox: 'image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5',
  safari:
    'image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5',
} as const;

/** One request of the mix. */
export interface BrowserRequest {
  path: string;
  accept: string;
  /** Output width asked, CSS width × DPR, before the server's caps. */
  width: number;
}

const BROWSERS = Object.values(BROWSER_ACCEPT);

/**
 * The n-th request: the browsers in turn, DPR 1, 2 and 3 in turn, and a
 * srcset-style CSS width of 160–800 px, a different one on each of 641
 * requests in a row; default quality per format, as a page would ask.
 * Canonical, as the resizer requires: `fmt` left at auto, `dpr=1` left out.
 */
export function browserRequest(photoId: string, n: number): BrowserRequest {
  const dpr = 1 + (n % 3);
  const accept = BROWSERS[Math.floor(n / 3) % BROWSERS.length]!;
  const cssWidth = 160 + ((n * 37) % 641);
  const query = dpr === 1 ? `w=${cssWidth}` : `w=${cssWidth}&dpr=${dpr}`;
  return { path: `/v1/photos/${photoId}?${query}`, accept, width: cssWidth * dpr };
}

/** The format of an encoded image from its first bytes. */
export function sniffFormat(body: Buffer): 'jpeg' | 'webp' | 'avif' | 'png' | undefined {
  if (body[0] === 0xff && body[1] === 0xd8) return 'jpeg';
  if (body.toString('latin1', 0, 4) === 'RIFF' && body.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (body.toString('latin1', 4, 8) === 'ftyp' && /^avi[fs]/.test(body.toString('latin1', 8, 12)))
    return 'avif';
  if (body.toString('latin1', 1, 4) === 'PNG') return 'png';
  return undefined;
}
