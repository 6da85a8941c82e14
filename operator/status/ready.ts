import { ALL_COMPONENTS } from '../api/names.js';
import type { ConditionUpdate } from './conditions.js';
import type { Problem } from './degraded.js';

/**
 * Ready: False with the problem's reason while one stops the reconcile, False
 * while `waiting` names components not yet rolled out, else True.
 */
export function readyCondition(problem: Problem | undefined, waiting: string | undefined): ConditionUpdate {
  if (problem) return { type: 'Ready', status: 'False', reason: problem.reason, message: problem.message };
  if (waiting !== undefined) {
    return {
      type: 'Ready',
      status: 'False',
      reason: 'ComponentsNotReady',
      message: `Waiting for ${waiting}.`,
    };
  }
  return {
    type: 'Ready',
    status: 'True',
    reason: 'AllComponentsReady',
    message: `${ALL_COMPONENTS} are ready.`,
  };
}
