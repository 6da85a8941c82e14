import type { ConditionUpdate } from './conditions.js';

/** A user-fixable problem that stopped the reconcile: a missing Secret, an invalid reference. */
export interface Problem {
  reason: string;
  message: string;
}

/** Degraded: True with the problem's reason while one stops the reconcile, else False. */
export function degradedCondition(problem: Problem | undefined): ConditionUpdate {
  if (problem) return { type: 'Degraded', status: 'True', ...problem };
  return {
    type: 'Degraded',
    status: 'False',
    reason: 'ReconcileSucceeded',
    message: 'All children are applied.',
  };
}
