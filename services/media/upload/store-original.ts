import { pipeline, Readable } from 'node:stream';
import { FORMATS, type ImageFormat } from '../../../lib/photos/formats.js';
import type { Storage } from '../../../lib/storage/storage.js';
import type { MediaLimits } from '../config.js';
import type { ByteLimit } from './byte-limit.js';
import type { HeaderInfo } from './header-dimensions.js';
import { rejoin, type Head } from './read-head.js';
import { UploadGuard } from './upload-guard.js';

export interface StoredOriginal {
  bytes: number;
  info: HeaderInfo;
}

/**
 * Streams head + rest of the upload through the {@link UploadGuard} into
 * storage. On any refusal or failure the object is deleted (best effort; the
 * backends already discard partial writes), so nothing is left behind.
 */
export async function storeOriginal(args: {
  storage: Storage;
  key: string;
  format: ImageFormat;
  head: Head;
  rest: Readable;
  limits: MediaLimits;
  byteLimit: ByteLimit;
  info: HeaderInfo | undefined;
}): Promise<StoredOriginal> {
  const { storage, key, format, head, rest, limits } = args;
  const guard = new UploadGuard(format, head.bytes, limits, args.info, args.byteLimit);
  let refusal: unknown;
  guard.on('error', (err) => (refusal ??= err));
  // pipeline() forwards a client abort on the source into the guard, which fails the put.
  pipeline(Readable.from(rejoin(head, rest)), guard, (err) => {
    if (err) refusal ??= err;
  });
  try {
    await storage.put(key, guard, { contentType: FORMATS[format].mime });
  } catch (err) {
    await storage.delete(key).catch(() => undefined);
    // A StorageUnavailableError already carries its 503; thrown as it is, the handler also sees it for what it is.
    throw refusal ?? err;
  }
  return { bytes: guard.bytes, info: guard.info! };
}
