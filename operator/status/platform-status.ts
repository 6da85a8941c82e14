import type { V1Deployment, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { component, components as componentRows } from '../api/components/index.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import type { ImagePlatformStatus } from '../api/status.js';
import { COMPONENTS, type Component } from '../api/names.js';
import { componentStatus, isRolledOut } from './components.js';
import { setCondition, type ConditionUpdate } from './conditions.js';
import { placementStatus } from './placement.js';

/** "media, converter and resizer": every row of the table, so a new component is named without an edit here. */
const ALL_COMPONENTS = new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(COMPONENTS);

/** What the reconciler saw: the live Deployments, and the problem that stopped it, if any. */
export interface Observation {
  deployments: Partial<Record<Component, V1Deployment>>;
  /** The live PodDisruptionBudgets, by component; missing for a component without one. */
  budgets?: Partial<Record<Component, V1PodDisruptionBudget>>;
  /** A user-fixable problem (a missing Secret, an invalid reference): Degraded=True. */
  problem?: { reason: string; message: string };
  paused: boolean;
}

/** The status to write: a pure function of the CR, what was observed, and the clock. */
export function computeStatus(cr: ImagePlatform, seen: Observation, now: Date): ImagePlatformStatus {
  const generation = cr.metadata.generation;
  const components = Object.fromEntries(
    COMPONENTS.map((c) => [c, componentStatus(seen.deployments[c], component(cr, c).replicas)]),
  ) as Record<Component, ReturnType<typeof componentStatus>>;
  const notRolledOut = COMPONENTS.filter((c) => !isRolledOut(seen.deployments[c]));
  const waiting = notRolledOut.map((c) => `${c} ${components[c].display} ready`).join(', ');

  const degraded: ConditionUpdate = seen.problem
    ? { type: 'Degraded', status: 'True', ...seen.problem }
    : {
        type: 'Degraded',
        status: 'False',
        reason: 'ReconcileSucceeded',
        message: 'All children are applied.',
      };

  let progressing: ConditionUpdate;
  if (seen.paused) {
    progressing = {
      type: 'Progressing',
      status: 'False',
      reason: 'Paused',
      message: 'spec.paused is true: children are left as they are.',
    };
  } else if (notRolledOut.length > 0) {
    progressing = {
      type: 'Progressing',
      status: 'True',
      reason: 'RollingOut',
      message: `Waiting for ${waiting}.`,
    };
  } else {
    progressing = {
      type: 'Progressing',
      status: 'False',
      reason: 'RolledOut',
      message: 'Every component runs its current config.',
    };
  }

  let ready: ConditionUpdate;
  if (seen.problem) {
    ready = { type: 'Ready', status: 'False', reason: seen.problem.reason, message: seen.problem.message };
  } else if (notRolledOut.length > 0) {
    ready = {
      type: 'Ready',
      status: 'False',
      reason: 'ComponentsNotReady',
      message: `Waiting for ${waiting}.`,
    };
  } else {
    ready = {
      type: 'Ready',
      status: 'True',
      reason: 'AllComponentsReady',
      message: `${ALL_COMPONENTS} are ready.`,
    };
  }

  const signed: ConditionUpdate = cr.spec.resizer.signingSecretRef
    ? {
        type: 'SignedURLs',
        status: 'True',
        reason: 'SigningKeysSet',
        message: 'The resizer serves only URLs signed with the keys of spec.resizer.signingSecretRef.',
      }
    : {
        type: 'SignedURLs',
        status: 'False',
        reason: 'NoSigningKey',
        message:
          'spec.resizer.signingSecretRef is not set: anyone can ask the resizer for any size and format of any photo, each one a render. Set it for a public origin.',
      };

  const conditions = [ready, progressing, degraded, signed].reduce(
    (acc, update) => setCondition(acc, update, generation, now),
    cr.status?.conditions ?? [],
  );
  const placement = placementStatus(componentRows(cr), seen.budgets ?? {});
  return { observedGeneration: generation, conditions, components, placement };
}
