import { describe, expect, it } from 'vitest';
import type { ScaleDecision } from './decide-resizer.js';
import { targetStatus } from './target-status.js';

const T0 = new Date('2026-12-01T10:00:00Z');
const T1 = new Date('2026-12-01T10:00:15Z');
const decision = (d: Partial<ScaleDecision> = {}): ScaleDecision => ({
  desired: 3,
  recommended: 3,
  active: true,
  limited: undefined,
  metrics: [{ name: 'p95Milliseconds', current: 300, target: 180 }],
  message: 'p95 300 ms > 180 ms target: 2 → 3',
  ...d,
});
const reasons = (s: ReturnType<typeof targetStatus>) =>
  Object.fromEntries(s.conditions.map((c) => [c.type, `${c.status} ${c.reason}`]));

describe('targetStatus', () => {
  it('reports counts, readings, the decision line and three conditions', () => {
    expect(targetStatus(undefined, 2, decision(), '2026-12-01T10:00:00Z', 4, T0)).toEqual({
      currentReplicas: 2,
      desiredReplicas: 3,
      lastScaleTime: '2026-12-01T10:00:00Z',
      metrics: [{ name: 'p95Milliseconds', current: 300, target: 180 }],
      decision: 'p95 300 ms > 180 ms target: 2 → 3',
      conditions: [
        {
          type: 'AbleToScale',
          status: 'True',
          reason: 'ReadyForNewScale',
          message: 'The autoscaler can write the replica count.',
          observedGeneration: 4,
          lastTransitionTime: '2026-12-01T10:00:00Z',
        },
        {
          type: 'ScalingActive',
          status: 'True',
          reason: 'ValidMetricFound',
          message: 'The autoscaler read its metrics.',
          observedGeneration: 4,
          lastTransitionTime: '2026-12-01T10:00:00Z',
        },
        {
          type: 'ScalingLimited',
          status: 'False',
          reason: 'DesiredWithinRange',
          message: 'The decision was not limited.',
          observedGeneration: 4,
          lastTransitionTime: '2026-12-01T10:00:00Z',
        },
      ],
    });
  });

  it.each([
    ['step limit', 'ScaleUpLimit'],
    ['at max', 'TooManyReplicas'],
    ['at min', 'TooFewReplicas'],
    ['stabilization window', 'ScaleDownStabilized'],
  ] as const)('names the limit %s as HPA does: %s', (limited, reason) => {
    const s = targetStatus(undefined, 2, decision({ limited }), undefined, 1, T0);
    expect(s.conditions.find((c) => c.type === 'ScalingLimited')).toMatchObject({
      status: 'True',
      reason,
      message: 'p95 300 ms > 180 ms target: 2 → 3',
    });
    expect(s).not.toHaveProperty('lastScaleTime');
  });

  it('says FailedGetMetrics with the reason when there was nothing to decide on', () => {
    const held = decision({ active: false, desired: 2, metrics: [], message: 'no metrics: holding 2' });
    expect(reasons(targetStatus(undefined, 2, held, undefined, 1, T0))).toEqual({
      AbleToScale: 'True ReadyForNewScale',
      ScalingActive: 'False FailedGetMetrics',
      ScalingLimited: 'False DesiredWithinRange',
    });
  });

  it('says FailedUpdateScale when the scale write failed, and ReadyForNewScale once it works again', () => {
    const failed = targetStatus(undefined, 2, decision(), undefined, 1, T0, 'deployments.apps is forbidden');
    expect(failed.conditions.find((c) => c.type === 'AbleToScale')).toMatchObject({
      status: 'False',
      reason: 'FailedUpdateScale',
      message: 'cannot scale to 3: deployments.apps is forbidden',
    });
    const recovered = targetStatus(failed, 2, decision(), undefined, 1, T1);
    expect(recovered.conditions.find((c) => c.type === 'AbleToScale')).toMatchObject({
      status: 'True',
      reason: 'ReadyForNewScale',
      lastTransitionTime: '2026-12-01T10:00:15Z',
    });
  });

  it('moves a transition time only when the condition flips', () => {
    const first = targetStatus(undefined, 2, decision(), undefined, 1, T0);
    const same = targetStatus(
      first,
      3,
      decision({ message: 'p95 200 ms > 180 ms target: holding 3' }),
      undefined,
      1,
      T1,
    );
    expect(same.conditions.map((c) => c.lastTransitionTime)).toEqual([
      '2026-12-01T10:00:00Z',
      '2026-12-01T10:00:00Z',
      '2026-12-01T10:00:00Z',
    ]);
    const limited = targetStatus(first, 3, decision({ limited: 'at max' }), undefined, 1, T1);
    expect(limited.conditions.find((c) => c.type === 'ScalingLimited')?.lastTransitionTime).toBe(
      '2026-12-01T10:00:15Z',
    );
  });
});
