/**
 * Whether an `If-None-Match` header matches `etag` (RFC 9110 §13.1.2: weak
 * comparison, lists and `*`). Evaluated whatever the request's Cache-Control
 * says: that header instructs caches, and an origin answers conditionals
 * regardless. (Express's `req.fresh` refuses when `no-cache` is present,
 * which fetch() adds to every conditional request.)
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((tag) => opaque(tag) === wanted);
}
