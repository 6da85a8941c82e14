import type { Readable } from 'node:stream';
import { unprocessable } from '../../../lib/errors.js';
import type { MediaLimits } from '../config.js';
import { readHead, type Head } from './read-head.js';

/**
 * Reads the head of an upload, and on past metadata that fills it: a JPEG
 * can carry megabytes of APPn/COM segments (EXIF, XMP, Photoshop's IRB) and a
 * PNG of text chunks before the header that gives its size. The head grows,
 * doubling, up to `limits.metadataBytes`; past that the upload is refused as
 * `metadata_too_large`, so memory per upload stays bounded and a valid file
 * is never called corrupt for it.
 */
export async function readHeadPastMetadata(source: Readable, limits: MediaLimits): Promise<Head> {
  let head = await readHead(source, limits.headBytes);
  while (!head.complete && endsInMetadata(head.bytes)) {
    const room = limits.metadataBytes - head.bytes.length;
    if (room <= 0) {
      throw unprocessable(
        'metadata_too_large',
        `more than ${limits.metadataBytes} bytes of metadata come before the image header`,
      );
    }
    const more = await readHead(source, Math.min(head.bytes.length, room));
    head = { bytes: Buffer.concat([head.bytes, more.bytes]), complete: more.complete };
  }
  return head;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Whether `bytes` is a JPEG or PNG whose well-formed segments or chunks run
 * past its end before the pixels start: more bytes would tell, a damaged file
 * would not.
 */
export function endsInMetadata(bytes: Buffer): boolean {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegEndsInMetadata(bytes);
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return pngEndsInMetadata(bytes);
  return false;
}

/** Markers that start the frame (SOFn; C4, C8 and CC are DHT, JPG and DAC) or the scan. */
const isFrameOrScan = (marker: number) =>
  (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) ||
  marker === 0xda;

function jpegEndsInMetadata(b: Buffer): boolean {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return false;
    const marker = b[at + 1]!;
    // Fill bytes: any number of FF may precede a marker.
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (isFrameOrScan(marker)) return false;
    at += 2 + b.readUInt16BE(at + 2);
  }
  return true;
}

function pngEndsInMetadata(b: Buffer): boolean {
  let at = 8;
  while (at + 8 <= b.length) {
    if (b.toString('latin1', at + 4, at + 8) === 'IDAT') return false;
    at += 12 + b.readUInt32BE(at);
  }
  return true;
}
