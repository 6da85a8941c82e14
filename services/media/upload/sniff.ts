import { fileTypeFromBuffer } from 'file-type';
import { unsupportedMediaType } from '../../../lib/errors.js';
import { formatOfMime, type ImageFormat } from '../../../lib/photos/formats.js';

/**
 * Decides the format from magic bytes alone; the client's Content-Type and
 * file name are ignored because they are whatever the client says. Text-based
 * formats (SVG, HTML) have no magic and so are never recognised: they are
 * refused before any parser sees them, external entities included.
 */
export async function sniffFormat(head: Buffer, allowed: readonly ImageFormat[]): Promise<ImageFormat> {
  const type = await fileTypeFromBuffer(head);
  if (!type) throw unsupportedMediaType('not_an_image', 'the upload is not a recognised image');
  const format = formatOfMime(type.mime);
  if (!format || !allowed.includes(format)) {
    throw unsupportedMediaType(
      'format_not_allowed',
      `${type.mime} is not accepted; send ${allowed.join(', ')}`,
    );
  }
  return format;
}
