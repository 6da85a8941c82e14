import type { KubernetesObject } from '@kubernetes/client-node';
import type { ImagePlatform } from '../api/imageplatform.js';
import type { ReferencedSecrets } from '../resources/checksum.js';
import { desiredChildren, type DesiredChild } from '../resources/children.js';
import type { ReconcileContext, UserProblem } from './context.js';
import { findForeignChild } from './foreign-children.js';
import { replicasToHandOver } from './replicas-handover.js';
import { upToDate } from './up-to-date.js';

type Change = 'Created' | 'Updated' | undefined;

/**
 * What an apply did. Deployments are judged by generation, which only spec
 * changes move; their status churns the resourceVersion all the time. Other
 * children nobody else writes, so their resourceVersion is enough.
 */
function changeOf(before: KubernetesObject | undefined, after: KubernetesObject): Change {
  if (!before) return 'Created';
  const b = before.metadata;
  const a = after.metadata;
  if (b?.generation !== undefined) return a?.generation !== b.generation ? 'Updated' : undefined;
  return a?.resourceVersion !== b?.resourceVersion ? 'Updated' : undefined;
}

/**
 * Refuses (returns the problem) when a child's name is taken by an object
 * this platform does not control. Otherwise server-side applies every child that the informer cache shows missing,
 * built from an older spec, or edited by someone else; the rest are skipped,
 * which saves a round trip each on the many reconciles that change nothing
 * (status updates of the Deployments, resyncs). Events are recorded only for
 * real changes, alongside the applies rather than between them.
 */
export async function applyChildren(
  ctx: ReconcileContext,
  cr: ImagePlatform,
  secrets: ReferencedSecrets,
): Promise<UserProblem | undefined> {
  const { configMap, deployments, services } = desiredChildren(cr, secrets);
  const foreign = await findForeignChild(ctx, cr, [configMap, ...deployments, ...services]);
  if (foreign) return foreign;
  const events: Array<Promise<void>> = [];
  const apply = (children: DesiredChild[]) =>
    settleAll(children.map((child) => applyOne(ctx, cr, child, events)));
  try {
    // Pods read the ConfigMap once, when they start: Deployments whose template
    // changed must wait for the new config, or new pods would run with the old one.
    await settleAll([apply(services), apply([configMap]).then(() => apply(deployments))]);
  } finally {
    await Promise.all(events);
  }
  return undefined;
}

async function applyOne(
  ctx: ReconcileContext,
  cr: ImagePlatform,
  child: DesiredChild,
  events: Array<Promise<void>>,
): Promise<void> {
  const before = ctx.cache.child(child.kind, child.metadata.namespace, child.metadata.name);
  if (before && upToDate(child, before)) return;
  const handOver = replicasToHandOver(child, before);
  if (handOver !== undefined) await ctx.cluster.claimReplicas(child, handOver);
  const after = await ctx.cluster.apply(child);
  const change = changeOf(before, after);
  if (change) events.push(recordChange(ctx, cr, child, change));
}

/**
 * Like Promise.all, but waits for every promise before rejecting, so no apply
 * of this reconcile is still in flight when the key is retried.
 */
async function settleAll(promises: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

async function recordChange(
  ctx: ReconcileContext,
  cr: ImagePlatform,
  child: DesiredChild,
  change: 'Created' | 'Updated',
) {
  const what = `${child.kind} ${child.metadata.name}`;
  ctx.log.info(
    { platform: cr.metadata.name, namespace: cr.metadata.namespace, child: what, change },
    'applied child',
  );
  await ctx.cluster.recordEvent(cr, {
    type: 'Normal',
    reason: change,
    action: 'Apply',
    note: `${change} ${what}`,
  });
}
