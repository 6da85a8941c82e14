import { badRequest, forbidden } from '../../../lib/errors.js';
import { canonicalSearch, isValidSignature } from './signature.js';

/**
 * With signing keys configured, only URLs signed by one of them are
 * served (403 otherwise), and only in their canonical spelling (400
 * otherwise, naming it), so one signature fits exactly one URL and the CDN
 * caches each picture once. `url` is the request's URL as sent: path and
 * query not decoded. Without keys every URL is served, which is how
 * development runs.
 */
export function verifySignature(
  keys: readonly string[],
  url: URL,
  photoPath: string,
  signature: string | undefined,
): void {
  if (keys.length === 0) return;
  if (signature === undefined) throw forbidden('signature_missing', 's: a signature is required');
  const canonical = canonicalSearch(url.searchParams);
  if (url.pathname !== photoPath || url.search !== canonical) {
    throw badRequest('url_not_canonical', `signed URLs must be written ${photoPath}${canonical}`);
  }
  if (!isValidSignature(keys, url.pathname, url.searchParams, signature)) {
    throw forbidden('signature_invalid', 's: the signature does not match');
  }
}
