import type { ConditionUpdate } from './conditions.js';

/**
 * Progressing: False while paused (nothing is rolled out, whatever the
 * Deployments say), True while `waiting` names components not yet rolled
 * out, else False.
 */
export function progressingCondition(paused: boolean, waiting: string | undefined): ConditionUpdate {
  if (paused) {
    return {
      type: 'Progressing',
      status: 'False',
      reason: 'Paused',
      message: 'spec.paused is true: children are left as they are.',
    };
  }
  if (waiting !== undefined) {
    return { type: 'Progressing', status: 'True', reason: 'RollingOut', message: `Waiting for ${waiting}.` };
  }
  return {
    type: 'Progressing',
    status: 'False',
    reason: 'RolledOut',
    message: 'Every component runs its current config.',
  };
}
