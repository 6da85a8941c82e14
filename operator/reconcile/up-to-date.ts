import type { KubernetesObject } from '@kubernetes/client-node';
import { DESIRED_HASH_ANNOTATION } from '../resources/desired-hash.js';

/**
 * Whether applying `desired` would leave `live` as it is, so the apply can be
 * skipped: `live` carries the same desired-hash (nothing was added to or
 * removed from what the operator applies) and every field `desired` sets
 * still has that value (nobody edited or removed it). Fields others added,
 * such as defaults or another manager's annotations, are ignored, as server-
 * side apply leaves them alone too. Errs towards applying: a value the
 * apiserver rewrites (a quantity `0.5` stored as `500m`) only costs a no-op apply.
 */
export function upToDate(desired: KubernetesObject, live: KubernetesObject): boolean {
  const hash = (o: KubernetesObject) => o.metadata?.annotations?.[DESIRED_HASH_ANNOTATION];
  return hash(live) !== undefined && hash(live) === hash(desired) && contains(live, desired);
}

/** True when every value set in `part` is in `whole` at the same path; lists must match in length. */
function contains(whole: unknown, part: unknown): boolean {
  if (Array.isArray(part)) {
    return (
      Array.isArray(whole) && whole.length === part.length && part.every((p, i) => contains(whole[i], p))
    );
  }
  if (part !== null && typeof part === 'object') {
    if (whole === null || typeof whole !== 'object' || Array.isArray(whole)) return false;
    const w = whole as Record<string, unknown>;
    return Object.entries(part).every(([key, value]) => value === undefined || contains(w[key], value));
  }
  return whole === part;
}
