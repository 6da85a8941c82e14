import type { KubernetesObject } from '@kubernetes/client-node';
import { components } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import type { ChildObject } from '../api/names.js';
import type { ReferencedSecrets } from '../resources/checksum.js';
import { OPTIONAL_KINDS, desiredChildren } from '../resources/children.js';
import { unknownFields } from '../resources/unknown-fields.js';
import type { ReconcileContext, UserProblem } from './context.js';
import { findForeignChild, ownedBy } from './foreign-children.js';
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
  const { podInputs, deployments, independent } = desiredChildren(cr, secrets);
  const all = [...podInputs, ...deployments, ...independent];
  const foreign = await findForeignChild(ctx, cr, all);
  if (foreign) return foreign;
  const stale = all.filter((child) => !isUpToDate(ctx, child));
  if (components(cr).some((row) => row.override)) {
    const problem = overrideProblem(stale);
    if (problem) return problem;
    // The override is kept as written in the CRD, so the apiserver's own schema judges it here,
    // before anything is applied: a rejected override leaves every child as it was.
    await settleAll(stale.map((child) => ctx.cluster.apply(child, { dryRun: true })));
  }
  const events: Array<Promise<void>> = [];
  const apply = (children: ChildObject[]) =>
    settleAll(children.filter((c) => stale.includes(c)).map((child) => applyOne(ctx, cr, child, events)));
  try {
    // Pods read the ConfigMap once, when they start, and need their ServiceAccount to be created at all:
    // Deployments whose template changed wait for both.
    await settleAll([apply(independent), apply(podInputs).then(() => apply(deployments))]);
    await prune(ctx, cr, all);
  } finally {
    await Promise.all(events);
  }
  return undefined;
}

function isUpToDate(ctx: ReconcileContext, child: ChildObject): boolean {
  const before = ctx.cache.child(child.kind, child.metadata.namespace, child.metadata.name);
  return before !== undefined && upToDate(child, before);
}

/**
 * A field of an override that the Kubernetes API types lack (a typo, or a
 * field newer than the operator's client). The client would drop it unseen,
 * so it is reported rather than ignored.
 */
function overrideProblem(children: ChildObject[]): UserProblem | undefined {
  for (const child of children) {
    if (child.kind !== 'Deployment' && child.kind !== 'Service') continue;
    const unknown = unknownFields(child);
    if (unknown.length > 0) {
      return {
        reason: 'InvalidOverride',
        message: `${child.kind} "${child.metadata.name}" has fields the Kubernetes API does not define: ${unknown.join(', ')}. Check spec.<component>.override.`,
      };
    }
  }
  return undefined;
}

/**
 * Deletes the children of the optional kinds that this platform owns and
 * its spec no longer asks for. Only objects it controls: a ServiceAccount the
 * user named is never the operator's to delete.
 */
async function prune(ctx: ReconcileContext, cr: ImagePlatform, desired: ChildObject[]): Promise<void> {
  const wanted = new Set(desired.map((c) => `${c.kind}/${c.metadata.name}`));
  // Listed objects carry no kind or apiVersion: the kind they were listed as supplies both.
  const unwanted = Object.entries(OPTIONAL_KINDS).flatMap(([kind, apiVersion]) =>
    ctx.cache
      .children(kind, cr.metadata.namespace)
      .filter((obj) => ownedBy(obj, cr) && !wanted.has(`${kind}/${obj.metadata?.name}`))
      .map((obj) => ({ ...obj, apiVersion, kind })),
  );
  await settleAll(
    unwanted.map(async (obj) => {
      await ctx.cluster.delete(obj);
      ctx.log.info(
        {
          platform: cr.metadata.name,
          namespace: cr.metadata.namespace,
          child: `${obj.kind} ${obj.metadata?.name}`,
        },
        'deleted child',
      );
    }),
  );
}

async function applyOne(
  ctx: ReconcileContext,
  cr: ImagePlatform,
  child: ChildObject,
  events: Array<Promise<void>>,
): Promise<void> {
  const before = ctx.cache.child(child.kind, child.metadata.namespace, child.metadata.name);
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
  child: ChildObject,
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
