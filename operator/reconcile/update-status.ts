import { isDeepStrictEqual } from 'node:util';
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import type { ImagePlatform } from '../api/imageplatform.js';
import { COMPONENTS, childName, type Component } from '../api/names.js';
import { findCondition } from '../status/conditions.js';
import { computeStatus } from '../status/platform-status.js';
import type { ReconcileContext, UserProblem } from './context.js';

/**
 * Computes the status from the cached Deployments and writes it when it
 * differs. A new or changed problem also becomes a Warning Event, once.
 */
export async function updateStatus(
  ctx: ReconcileContext,
  cr: ImagePlatform,
  problem?: UserProblem,
): Promise<void> {
  const { namespace } = cr.metadata;
  const deployments = Object.fromEntries(
    COMPONENTS.map((c) => [c, ctx.cache.deployment(namespace, childName(cr, c))]),
  ) as Partial<Record<Component, ReturnType<ReconcileContext['cache']['deployment']>>>;
  const budgets = Object.fromEntries(
    COMPONENTS.map((c) => [c, ctx.cache.child('PodDisruptionBudget', namespace, childName(cr, c))]),
  ) as Partial<Record<Component, V1PodDisruptionBudget>>;
  const status = computeStatus(cr, { deployments, budgets, problem, paused: cr.spec.paused }, ctx.now());
  // status.autoscaling belongs to the autoscaler (its own field manager); leave it out of the comparison.
  const { autoscaling: _theirs, ...ours } = cr.status ?? {};
  if (isDeepStrictEqual(status, ours)) return;

  await ctx.cluster.applyStatus(cr, status);

  // An open origin or an open upload endpoint is a Warning once, when it opens, not on every status write.
  for (const type of ['SignedURLs', 'AuthenticatedUploads'] as const) {
    const was = findCondition(cr.status?.conditions, type);
    const is = findCondition(status.conditions, type);
    if (is?.status === 'False' && was?.status !== 'False') {
      await ctx.cluster.recordEvent(cr, {
        type: 'Warning',
        reason: is.reason,
        action: 'Validate',
        note: is.message,
      });
    }
  }

  const before = findCondition(cr.status?.conditions, 'Degraded');
  if (problem && (before?.status !== 'True' || before.reason !== problem.reason)) {
    ctx.log.warn({ platform: cr.metadata.name, namespace, ...problem }, 'platform degraded');
    await ctx.cluster.recordEvent(cr, {
      type: 'Warning',
      reason: problem.reason,
      action: 'Validate',
      note: problem.message,
    });
  }
}
