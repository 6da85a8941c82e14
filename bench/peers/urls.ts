/**
 * URL builders for the servers `make bench-peers` compares. Each turns the
 * same request (a photo's stored file, an output width, format and quality)
 * into the path that server understands, so every server does the same work.
 */
import { missWidth } from '../../test/support/miss-mix.js';
import { sniffFormat } from './browsers.js';

/** Output formats a row can ask for (FORMATS of `run.sh`); JPEG unless told. */
export const PEER_FORMATS = ['jpeg', 'webp', 'avif'] as const;
export type PeerFormat = (typeof PEER_FORMATS)[number];
/** imgproxy's and thumbor's name of each format. */
const EXTENSION: Record<PeerFormat, string> = { jpeg: 'jpg', webp: 'webp', avif: 'avif' };

/** Which servers the peers benchmark knows how to ask. */
export const SERVERS = ['enlarger', 'enlarger-wm', 'imgproxy', 'imgproxy-wm', 'thumbor'] as const;
export type Server = (typeof SERVERS)[number];

/** One request of the mix, server-neutral. */
export interface PeerRequest {
  /** Enlarger's photo id. */
  photoId: string;
  /** Storage key of the file the peer reads, relative to its local root (see README, bench-peers). */
  sourceKey: string;
  width: number;
  format: PeerFormat;
  quality: number;
}

/**
 * The path that asks `server` for `r` in `r.format`, `r.width` px wide, height
 * by aspect ratio, never enlarged.
 * - Enlarger: its public URL; `enlarger` drops the watermark (`wm=0`, with
 *   RESIZER_WATERMARK_OPT_OUT on), `enlarger-wm` keeps logo and attribution.
 * - imgproxy: unsigned (`insecure`), `rs:fit:W:0` and `local://` from
 *   IMGPROXY_LOCAL_FILESYSTEM_ROOT. `imgproxy-wm` adds its watermark (the
 *   image at IMGPROXY_WATERMARK_PATH, Enlarger's logo in the README's
 *   setup) as Enlarger draws its logo by default: opacity 0.6, southeast,
 *   15 % of the output's width (`wm:0.6:soea:0:0:0.15`).
 * - thumbor: unsigned, `W x 0` and the file loader's root.
 */
export function peerPath(server: Server, r: PeerRequest): string {
  switch (server) {
    case 'enlarger':
      return `/v1/photos/${r.photoId}?w=${r.width}&fmt=${r.format}&q=${r.quality}&wm=0`;
    case 'enlarger-wm':
      return `/v1/photos/${r.photoId}?w=${r.width}&fmt=${r.format}&q=${r.quality}`;
    case 'imgproxy':
      return `/insecure/rs:fit:${r.width}:0/q:${r.quality}/plain/local:///${r.sourceKey}@${EXTENSION[r.format]}`;
    case 'imgproxy-wm':
      return `/insecure/rs:fit:${r.width}:0/q:${r.quality}/wm:0.6:soea:0:0:0.15/plain/local:///${r.sourceKey}@${EXTENSION[r.format]}`;
    case 'thumbor':
      return `/unsafe/${r.width}x0/filters:quality(${r.quality}):format(${r.format})/${r.sourceKey}`;
  }
}

/** Widths of the mix: the resizer benchmark's, 160–1600 px, a different one on each of 1441 requests in a row. */
export const mixWidth = missWidth;

/** What a sampled answer must be: the asked format and width. Returns the problem, or undefined. */
export function checkAnswer(
  body: Buffer,
  width: number | undefined,
  asked: number,
  format: PeerFormat = 'jpeg',
): string | undefined {
  const got = sniffFormat(body);
  if (got !== format) return `not ${format} (${got ?? '?'})`;
  if (width !== asked) return `width ${width ?? '?'}, asked ${asked}`;
  return undefined;
}
