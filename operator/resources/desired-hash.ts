import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * Annotation on every child: a hash of the object as the operator built it.
 * A live child with the current hash needs no apply for anything the
 * operator added or removed since; see `reconcile/up-to-date.ts`.
 */
export const DESIRED_HASH_ANNOTATION = 'enlarger.dev/desired-hash';

/** `child` with {@link DESIRED_HASH_ANNOTATION} set to the SHA-256 of everything else in it. */
export function withDesiredHash<T extends KubernetesObject>(child: T): T {
  // Builders are pure and emit keys in a fixed order, so JSON is canonical enough:
  // an operator upgrade that reorders keys costs one no-op apply per child.
  const hash = createHash('sha256').update(JSON.stringify(child)).digest('hex');
  const metadata = child.metadata ?? {};
  return {
    ...child,
    metadata: { ...metadata, annotations: { ...metadata.annotations, [DESIRED_HASH_ANNOTATION]: hash } },
  };
}
