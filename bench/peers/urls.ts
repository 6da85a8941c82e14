/**
 * URL builders for the servers `make bench-peers` compares. Each turns the
 * same request (a photo's stored file, an output width, JPEG quality) into
 * the path that server understands, so every server does the same work.
 */
import { missWidth } from '../../test/support/miss-mix.js';

/** Which servers the peers benchmark knows how to ask. */
export const SERVERS = ['enlarger', 'enlarger-wm', 'imgproxy', 'thumbor'] as const;
export type Server = (typeof SERVERS)[number];

/** One request of the mix, server-neutral. */
export interface PeerRequest {
  /** Enlarger's photo id. */
  photoId: string;
  /** Storage key of the file the peer reads, relative to its local root (see README, bench-peers). */
  sourceKey: string;
  width: number;
  quality: number;
}

/**
 * The path that asks `server` for `r` as a JPEG `r.width` px wide, height
 * by aspect ratio, never enlarged.
 * - Enlarger: its public URL; `enlarger` drops the watermark (`wm=0`, with
 *   RESIZER_WATERMARK_OPT_OUT on), `enlarger-wm` keeps logo and attribution.
 * - imgproxy: unsigned (`insecure`), `rs:fit:W:0` and `local://` from
 *   IMGPROXY_LOCAL_FILESYSTEM_ROOT.
 * - thumbor: unsigned, `W x 0` and the file loader's root.
 */
export function peerPath(server: Server, r: PeerRequest): string {
  switch (server) {
    case 'enlarger':
      return `/v1/photos/${r.photoId}?w=${r.width}&fmt=jpeg&q=${r.quality}&wm=0`;
    case 'enlarger-wm':
      return `/v1/photos/${r.photoId}?w=${r.width}&fmt=jpeg&q=${r.quality}`;
    case 'imgproxy':
      return `/insecure/rs:fit:${r.width}:0/q:${r.quality}/plain/local:///${r.sourceKey}@jpg`;
    case 'thumbor':
      return `/unsafe/${r.width}x0/filters:quality(${r.quality}):format(jpeg)/${r.sourceKey}`;
  }
}

/** Widths of the mix: the resizer benchmark's, 160–1600 px, a different one on each of 1441 requests in a row. */
export const mixWidth = missWidth;

/** What a sampled answer must be: a JPEG of the asked width. Returns the problem, or undefined. */
export function checkAnswer(body: Buffer, width: number | undefined, asked: number): string | undefined {
  if (body.length < 3 || body[0] !== 0xff || body[1] !== 0xd8 || body[2] !== 0xff) return 'not a JPEG';
  if (width !== asked) return `width ${width ?? '?'}, asked ${asked}`;
  return undefined;
}
