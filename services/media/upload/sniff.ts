import { fileTypeFromBuffer } from 'file-type';
import { unsupportedMediaType } from '../../../lib/errors.js';
import { FORMATS, formatOfMime, type ImageFormat } from '../../../lib/photos/formats.js';

/**
 * Decides the format from magic bytes alone; the client's Content-Type and
 * file name are ignored because they are whatever the client says. Text-based
 * formats (SVG, HTML) have no magic and so are never recognised: they are
 * refused before any parser sees them, external entities included.
 */
export async function sniffFormat(head: Buffer, allowed: readonly ImageFormat[]): Promise<ImageFormat> {
  const mime = (await fileTypeFromBuffer(head))?.mime ?? signatureMime(head);
  if (!mime) throw unsupportedMediaType('not_an_image', 'the upload is not a recognised image');
  const format = formatOfMime(mime);
  if (!format || !allowed.includes(format)) {
    throw unsupportedMediaType('format_not_allowed', `${mime} is not accepted; send ${allowed.join(', ')}`);
  }
  return format;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TIFF_SIGNATURES = [Buffer.from('II*\0', 'latin1'), Buffer.from('MM\0*', 'latin1')];

/**
 * file-type walks past the signature (PNG chunks to tell APNG, the TIFF
 * directory to tell camera raw) and gives up when what follows is damaged.
 * A file that starts with a PNG or TIFF signature is still a PNG or TIFF,
 * only a corrupt one: the header check then answers 422 `corrupt`, not 415.
 */
function signatureMime(head: Buffer): string | undefined {
  if (head.subarray(0, 8).equals(PNG_SIGNATURE)) return FORMATS.png.mime;
  if (TIFF_SIGNATURES.some((s) => head.subarray(0, 4).equals(s))) return FORMATS.tiff.mime;
  return undefined;
}
