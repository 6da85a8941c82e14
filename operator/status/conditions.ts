import type { Condition } from '../api/status.js';

export type ConditionType =
  | 'Ready'
  | 'Progressing'
  | 'Degraded'
  | 'SignedURLs'
  | 'AuthenticatedUploads'
  | 'AbleToScale'
  | 'ScalingActive'
  | 'ScalingLimited';

/** A condition as decided by the operator, before timestamps. */
export interface ConditionUpdate {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/**
 * Merges `update` into `conditions` the way apimachinery's SetStatusCondition
 * does: `lastTransitionTime` moves only when the status flips, so it tells
 * how long the platform has been (not) ready.
 */
export function setCondition(
  conditions: readonly Condition[],
  update: ConditionUpdate,
  observedGeneration: number,
  now: Date,
): Condition[] {
  const previous = conditions.find((c) => c.type === update.type);
  const next: Condition = {
    ...update,
    observedGeneration,
    lastTransitionTime:
      previous && previous.status === update.status ? previous.lastTransitionTime : rfc3339Seconds(now),
  };
  return previous ? conditions.map((c) => (c.type === update.type ? next : c)) : [...conditions, next];
}

/** The condition of `type`, if set. */
export const findCondition = (conditions: readonly Condition[] | undefined, type: ConditionType) =>
  conditions?.find((c) => c.type === type);

// metav1.Time has second precision; writing milliseconds would make every
// round trip through the apiserver look like a change.
export const rfc3339Seconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
