import { badRequest, unprocessable, unsupportedMediaType } from '../../../lib/errors.js';
import type { ImageFormat } from '../../../lib/photos/manifest.js';
import type { MediaLimits } from '../config.js';
import { headerInfo, type HeaderInfo } from './header-dimensions.js';
import { checkDimensions } from './limits.js';
import type { Head } from './read-head.js';
import { sniffFormat } from './sniff.js';
import { TiffDirectoryReader } from './tiff-directory.js';

export interface Inspection {
  format: ImageFormat;
  /** Undefined only for a TIFF whose directory comes later in the stream. */
  info: HeaderInfo | undefined;
}

/** Judges an upload by its head: empty, not an image, refused format, bad header, too many pixels. */
export async function inspectHead(head: Head, limits: MediaLimits): Promise<Inspection> {
  if (head.bytes.length === 0) throw badRequest('empty', 'the upload is empty');
  // libtiff writes the directory after the pixels, so file-type, which reads the
  // directory to tell TIFF from camera raw, cannot say "TIFF" from the head alone.
  // The directory is then read as it streams past (UploadGuard), memory still bounded.
  if (TiffDirectoryReader.directoryAfter(head.bytes)) return { format: allowTiff(limits), info: undefined };
  const format = await sniffFormat(head.bytes, limits.allowedFormats);
  const info = await headerInfo(head.bytes, format);
  if (info) {
    checkDimensions(info, limits);
    return { format, info };
  }
  if (format === 'tiff' && !head.complete && TiffDirectoryReader.isClassic(head.bytes))
    return { format, info };
  throw unprocessable('corrupt', `the ${format} header is corrupt or unreadable`);
}

function allowTiff(limits: MediaLimits): ImageFormat {
  if (!limits.allowedFormats.includes('tiff')) {
    throw unsupportedMediaType(
      'format_not_allowed',
      `image/tiff is not accepted; send ${limits.allowedFormats.join(', ')}`,
    );
  }
  return 'tiff';
}
