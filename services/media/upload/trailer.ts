import type { ImageFormat } from '../../../lib/photos/manifest.js';
import { heifHeader } from './heif-header.js';

/** How much of the end of an upload is kept to check its trailer. */
export const TAIL_BYTES = 64 * 1024;

const JPEG_EOI = Buffer.from([0xff, 0xd9]);
const PNG_IEND = Buffer.from('IEND', 'latin1');

/**
 * Whether the upload ends the way a complete file of its format ends. A
 * transfer cut short is the commonest corrupt upload, and its header is
 * perfectly valid, so only the end gives it away.
 *
 * - JPEG: the EOI marker. `FF D9` cannot occur inside entropy-coded data
 *   (0xFF is stuffed there), so finding it near the end means the scan
 *   finished; a little padding after it is tolerated.
 * - PNG: the IEND chunk. GIF: the `;` trailer. WebP: the RIFF size is all there.
 * - TIFF and AVIF are laid out by offsets rather than in order; the converter's
 *   decoder catches their truncation and marks the photo failed.
 * - HEIC: every item's data must lie within the upload (`iloc`); media read
 *   the meta box from the head already, so this costs no extra bytes.
 */
export function isComplete(format: ImageFormat, head: Buffer, tail: Buffer, totalBytes: number): boolean {
  switch (format) {
    case 'jpeg':
      return tail.includes(JPEG_EOI);
    case 'png':
      return tail.includes(PNG_IEND);
    case 'gif':
      return tail.subarray(-16).includes(0x3b);
    case 'webp':
      return head.length >= 8 && totalBytes >= head.readUInt32LE(4) + 8;
    case 'heic':
      return totalBytes >= (heifHeader(head)?.dataEnd ?? Infinity);
    case 'tiff':
    case 'avif':
      return true;
  }
}
