import { messageOf } from '../../lib/errors.js';
import { InvalidSpecError } from '../api/imageplatform.js';
import { apiMessage, isConflict, isNotFound, statusOf } from '../toolkit/api-errors.js';
import type { WorkResult } from '../toolkit/work-queue.js';
import { applyChildren } from './apply-children.js';
import { checkBroker } from './check-broker.js';
import { checkReferences } from './check-references.js';
import type { ReconcileContext } from './context.js';
import { loadPlatform } from './load-platform.js';
import { updateStatus } from './update-status.js';

/** How often a platform waiting on the user (a missing Secret) is looked at again. */
export const USER_PROBLEM_RECHECK_MS = 30_000;

/**
 * Brings one ImagePlatform's children to the desired state and reports it.
 * Level-based: it reads everything afresh and can run any number of times.
 *
 * Outcomes: gone or being deleted → done; paused → status only; a bad
 * reference → Degraded, rechecked slowly (Secrets are not watched); an object
 * the apiserver rejects as invalid → Degraded, done until the spec changes;
 * a conflict or any other error → retried with backoff.
 */
export async function reconcile(ctx: ReconcileContext, key: string): Promise<WorkResult> {
  try {
    const cr = loadPlatform(ctx, key);
    if (!cr) return { kind: 'done' };
    if (cr.spec.paused) {
      await updateStatus(ctx, cr);
      return { kind: 'done' };
    }
    const { repository } = cr.spec.image;
    if (ctx.allowedImageRepositories.length > 0 && !ctx.allowedImageRepositories.includes(repository)) {
      // A spec change is the only fix, and it triggers a reconcile by itself.
      await updateStatus(ctx, cr, {
        reason: 'ImageNotAllowed',
        message: `spec.image.repository "${repository}" is not one this operator may run (${ctx.allowedImageRepositories.join(', ')}).`,
      });
      return { kind: 'done' };
    }
    const brokerProblem = await checkBroker(ctx, cr);
    if (brokerProblem) {
      await updateStatus(ctx, cr, brokerProblem);
      return { kind: 'recheck', afterMs: USER_PROBLEM_RECHECK_MS };
    }
    const references = await checkReferences(ctx, cr);
    if ('problem' in references) {
      await updateStatus(ctx, cr, references.problem);
      return { kind: 'recheck', afterMs: USER_PROBLEM_RECHECK_MS };
    }
    try {
      const problem = await applyChildren(ctx, cr, references.secrets);
      if (problem) {
        await updateStatus(ctx, cr, problem);
        return { kind: 'recheck', afterMs: USER_PROBLEM_RECHECK_MS };
      }
    } catch (err) {
      if (statusOf(err) !== 422) throw err;
      await updateStatus(ctx, cr, { reason: 'InvalidChild', message: apiMessage(err) });
      return { kind: 'done' };
    }
    await updateStatus(ctx, cr);
    return { kind: 'done' };
  } catch (err) {
    return classify(ctx, key, err);
  }
}

function classify(ctx: ReconcileContext, key: string, err: unknown): WorkResult {
  // The platform or its namespace went away mid-reconcile: nothing left to do.
  if (isNotFound(err)) return { kind: 'done' };
  if (err instanceof InvalidSpecError) {
    // Only a CRD older than the operator lets such an object in; retrying cannot help.
    ctx.log.error({ key, error: err.message }, 'ImagePlatform does not match the schema; run `make install`');
    return { kind: 'done' };
  }
  if (!isConflict(err)) ctx.log.warn({ key, error: apiMessage(err) || messageOf(err) }, 'reconcile failed');
  return { kind: 'retry', error: err };
}
