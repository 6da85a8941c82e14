import { createHmac, timingSafeEqual } from 'node:crypto';

/** The query parameter that carries the signature; it is left out of what is signed. */
export const SIGNATURE_PARAM = 's';

/**
 * What gets signed: the path, then the query parameters sorted by name (and
 * value), without `s`. Sorting means a CDN or client that reorders the query
 * does not break the signature.
 */
export function canonicalString(pathname: string, query: URLSearchParams): string {
  const pairs = [...query].filter(([name]) => name !== SIGNATURE_PARAM);
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const sorted = new URLSearchParams(pairs).toString();
  return sorted ? `${pathname}?${sorted}` : pathname;
}

/** HMAC-SHA256 of the canonical string, base64url. */
export function signatureOf(key: string, pathname: string, query: URLSearchParams): string {
  return createHmac('sha256', key).update(canonicalString(pathname, query)).digest('base64url');
}

/**
 * Whether `signature` was made by any of `keys` (rotation: old keys keep
 * verifying until removed). Constant-time per key; the signature's length
 * is public anyway.
 */
export function isValidSignature(
  keys: readonly string[],
  pathname: string,
  query: URLSearchParams,
  signature: string,
): boolean {
  const given = Buffer.from(signature, 'base64url');
  let valid = false;
  for (const key of keys) {
    const expected = createHmac('sha256', key).update(canonicalString(pathname, query)).digest();
    // No early exit: every key is tried, so timing does not reveal which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  return valid;
}

/**
 * Signs a path with its query (`/v1/photos/ID?w=400`) with `key` and returns
 * it with `s` appended. An existing `s` is replaced.
 */
export function signPath(key: string, pathAndQuery: string): string {
  const url = new URL(pathAndQuery, 'http://resizer.invalid');
  url.searchParams.delete(SIGNATURE_PARAM);
  const signature = signatureOf(key, url.pathname, url.searchParams);
  url.searchParams.append(SIGNATURE_PARAM, signature);
  return `${url.pathname}${url.search}`;
}
