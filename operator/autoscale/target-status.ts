import type { AutoscalingTargetStatus, Condition } from '../api/status.js';
import { setCondition, type ConditionUpdate } from '../status/conditions.js';
import type { ScaleDecision } from './decide-resizer.js';

const LIMIT_REASON = {
  'step limit': 'ScaleUpLimit',
  'at max': 'TooManyReplicas',
  'at min': 'TooFewReplicas',
  'stabilization window': 'ScaleDownStabilized',
} as const;

/**
 * The status of one scaled component after a decision: counts, readings,
 * the decision line, and HPA's AbleToScale / ScalingActive / ScalingLimited
 * conditions, whose transition times move only when they flip. `scaleError`
 * is why writing the decided count failed, if it did.
 */
export function targetStatus(
  previous: AutoscalingTargetStatus | undefined,
  current: number,
  decision: ScaleDecision,
  lastScaleTime: string | undefined,
  generation: number,
  now: Date,
  scaleError?: string,
): AutoscalingTargetStatus {
  const able: ConditionUpdate =
    scaleError === undefined
      ? {
          type: 'AbleToScale',
          status: 'True',
          reason: 'ReadyForNewScale',
          message: 'The autoscaler can write the replica count.',
        }
      : {
          type: 'AbleToScale',
          status: 'False',
          reason: 'FailedUpdateScale',
          message: `cannot scale to ${decision.desired}: ${scaleError}`,
        };
  const active: ConditionUpdate = decision.active
    ? {
        type: 'ScalingActive',
        status: 'True',
        reason: 'ValidMetricFound',
        message: 'The autoscaler read its metrics.',
      }
    : { type: 'ScalingActive', status: 'False', reason: 'FailedGetMetrics', message: decision.message };
  const limited: ConditionUpdate = decision.limited
    ? {
        type: 'ScalingLimited',
        status: 'True',
        reason: LIMIT_REASON[decision.limited],
        message: decision.message,
      }
    : {
        type: 'ScalingLimited',
        status: 'False',
        reason: 'DesiredWithinRange',
        message: 'The decision was not limited.',
      };
  const conditions = [able, active, limited].reduce<Condition[]>(
    (acc, update) => setCondition(acc, update, generation, now),
    previous?.conditions ?? [],
  );
  return {
    currentReplicas: current,
    desiredReplicas: decision.desired,
    ...(lastScaleTime ? { lastScaleTime } : {}),
    metrics: decision.metrics,
    decision: decision.message,
    conditions,
  };
}
