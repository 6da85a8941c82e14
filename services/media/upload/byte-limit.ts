import type { HttpError } from '../../../lib/errors.js';
import { payloadTooLarge } from '../../../lib/errors.js';
import type { UploadGrant } from './upload-token.js';

/** The most bytes one upload may send, and the answer past it. */
export interface ByteLimit {
  bytes: number;
  refusal(): HttpError;
}

/**
 * Media's own limit (`too_large`), or the token's when it grants less
 * (`token_too_large`), so the client learns which one to ask about: a bigger
 * token from the site, or nothing it can change.
 */
export function byteLimit(maxBytes: number, grant: UploadGrant | undefined): ByteLimit {
  if (grant && grant.maxBytes < maxBytes) {
    const bytes = grant.maxBytes;
    return {
      bytes,
      refusal: () => payloadTooLarge('token_too_large', `upload exceeds the ${bytes} bytes its token allows`),
    };
  }
  return { bytes: maxBytes, refusal: () => payloadTooLarge('too_large', `upload exceeds ${maxBytes} bytes`) };
}
