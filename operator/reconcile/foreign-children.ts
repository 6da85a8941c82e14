import type { KubernetesObject } from '@kubernetes/client-node';
import type { ImagePlatform } from '../api/imageplatform.js';
import type { ChildObject } from '../api/names.js';
import type { ReconcileContext, UserProblem } from './context.js';

/** Whether `obj` is controlled by this platform (its controller owner reference). */
export const ownedBy = (obj: KubernetesObject, cr: ImagePlatform) =>
  (obj.metadata?.ownerReferences ?? []).some((ref) => ref.controller && ref.uid === cr.metadata.uid);

/**
 * Finds a child name already taken by an object this platform does not
 * control. The operator applies with `force`, so without this check an
 * ImagePlatform named after an existing Deployment or ConfigMap would take
 * it over; instead the platform reports Degraded and the object is left alone.
 * Cached children are checked as they are; a name missing from the cache
 * costs one GET, since the informers only see objects with the operator's label.
 */
export async function findForeignChild(
  ctx: ReconcileContext,
  cr: ImagePlatform,
  children: ChildObject[],
): Promise<UserProblem | undefined> {
  const live = await Promise.all(
    children.map(
      async (child) =>
        ctx.cache.child(child.kind, child.metadata.namespace, child.metadata.name) ??
        (await ctx.cluster.read(child)),
    ),
  );
  const index = live.findIndex((obj) => obj !== undefined && !ownedBy(obj, cr));
  if (index < 0) return undefined;
  const child = children[index]!;
  return {
    reason: 'ChildNotOwned',
    message: `${child.kind} "${child.metadata.name}" already exists and is not controlled by this ImagePlatform; the operator will not take it over. Delete or rename it, or rename the ImagePlatform.`,
  };
}
