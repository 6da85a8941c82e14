import { createHmac, timingSafeEqual } from 'node:crypto';

/** The query parameter that carries the signature; it is left out of what is signed. */
export const SIGNATURE_PARAM = 's';

/**
 * The canonical query: parameters sorted by name (then value), without `s`,
 * in URLSearchParams' encoding, which leaves the characters every parameter
 * uses (letters, digits, `.`, `-`, `_`) as they are.
 */
export function canonicalQuery(query: URLSearchParams): string {
  const pairs = [...query].filter(([name]) => name !== SIGNATURE_PARAM);
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return new URLSearchParams(pairs).toString();
}

/** What gets signed: the path, then `?` and the canonical query when there is one. */
export function canonicalString(pathname: string, query: URLSearchParams): string {
  const sorted = canonicalQuery(query);
  return sorted ? `${pathname}?${sorted}` : pathname;
}

/**
 * The one spelling of a URL that verifies: the canonical query, then `s`
 * last. A query that decodes to the same parameters but is written any other
 * way (`w=%34%30%30`, `%77=400`, `&&`, another order) is a different URL to
 * the CDN and must not share the signature.
 */
export function canonicalSearch(query: URLSearchParams): string {
  const signature = query.get(SIGNATURE_PARAM);
  const parts = [canonicalQuery(query), signature === null ? '' : `${SIGNATURE_PARAM}=${signature}`];
  const search = parts.filter(Boolean).join('&');
  return search ? `?${search}` : '';
}

/** HMAC-SHA256 of the canonical string, base64url without padding. */
export function signatureOf(key: string, pathname: string, query: URLSearchParams): string {
  return createHmac('sha256', key).update(canonicalString(pathname, query)).digest('base64url');
}

/**
 * Whether `signature` was made by any of `keys` (rotation: old keys keep
 * verifying until removed). The text is compared, not the decoded bytes: a
 * base64 string has spellings that decode alike (the spare bits of the last
 * character), and only the canonical one may pass. Constant-time per key;
 * the signature's length is public anyway.
 */
export function isValidSignature(
  keys: readonly string[],
  pathname: string,
  query: URLSearchParams,
  signature: string,
): boolean {
  const given = Buffer.from(signature, 'latin1');
  let valid = false;
  for (const key of keys) {
    const expected = Buffer.from(signatureOf(key, pathname, query), 'latin1');
    // No early exit: every key is tried, so timing does not reveal which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  return valid;
}

/**
 * Signs a path with its query (`/v1/photos/ID?w=400`) with `key` and returns
 * the canonical URL: query sorted, `s` last. An existing `s` is replaced.
 */
export function signPath(key: string, pathAndQuery: string): string {
  const url = new URL(pathAndQuery, 'http://resizer.invalid');
  url.searchParams.delete(SIGNATURE_PARAM);
  url.searchParams.append(SIGNATURE_PARAM, signatureOf(key, url.pathname, url.searchParams));
  return `${url.pathname}${canonicalSearch(url.searchParams)}`;
}
