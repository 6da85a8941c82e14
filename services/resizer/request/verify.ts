import { forbidden } from '../../../lib/errors.js';
import { isValidSignature } from './signature.js';

/**
 * Step 2: with signing keys configured, only URLs signed by one of them are
 * served (403 otherwise). Without keys every URL is served, which is how
 * development runs.
 */
export function verifySignature(
  keys: readonly string[],
  pathname: string,
  query: URLSearchParams,
  signature: string | undefined,
): void {
  if (keys.length === 0) return;
  if (signature === undefined) throw forbidden('signature_missing', 's: a signature is required');
  if (!isValidSignature(keys, pathname, query, signature)) {
    throw forbidden('signature_invalid', 's: the signature does not match');
  }
}
