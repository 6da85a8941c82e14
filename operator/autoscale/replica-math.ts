/** HPA's tolerance: a ratio within 10 % of 1 changes nothing. */
export const TOLERANCE = 0.1;

/**
 * HPA's `ceil(pods × current / target)`, with pods that gave no metrics
 * treated conservatively: as idle when the rest ask to scale up (they may be
 * starting), as exactly on target when the rest ask to scale down (they may be
 * the busy ones). Returns the replica count this one metric recommends.
 */
export function recommendFromRatio(current: number, scraped: number, ratio: number): number {
  // During a rollout's surge more pods may answer than the spec asks for.
  const pods = Math.max(current, scraped);
  const missing = pods - scraped;
  const adjusted = ratio > 1 ? (ratio * scraped) / pods : (ratio * scraped + missing) / pods;
  if (Math.abs(adjusted - 1) <= TOLERANCE) return current;
  // A metric that only looked like a change because of the missing pods is no change.
  if ((ratio > 1 && adjusted < 1) || (ratio < 1 && adjusted > 1)) return current;
  return Math.ceil(pods * adjusted);
}

/** A recommendation remembered for the scale-down window. */
export interface Recommendation {
  at: number;
  replicas: number;
}

/** A scale-up done, remembered for the step limit. */
export interface ScaleUp {
  at: number;
  from: number;
}

export interface Limits {
  minReplicas: number;
  maxReplicas: number;
  scaleUp: { percent: number; pods: number; periodSeconds: number };
  stabilizationSeconds: number;
}

/** What the limits did to a recommendation, for the decision line and the ScalingLimited condition. */
export type Limited = 'step limit' | 'at max' | 'at min' | 'stabilization window' | undefined;

/** What the scale-down window remembers. */
export interface DownHistory {
  recommendations: Recommendation[];
  /** When this operator started watching the component. */
  since: number;
}

/**
 * One interval's decision with its window's memory: recommendations older
 * than `windowSeconds` are dropped before `decide` reads the history, and the
 * new one is kept after it (an inactive decision, one made without metrics,
 * recommends nothing).
 */
export function decideInWindow<T extends { active: boolean; recommended: number }>(
  history: DownHistory,
  windowSeconds: number,
  now: number,
  decide: () => T,
): T {
  history.recommendations = history.recommendations.filter((r) => r.at >= now - windowSeconds * 1000);
  const decision = decide();
  if (decision.active) history.recommendations.push({ at: now, replicas: decision.recommended });
  return decision;
}

/**
 * HPA's scale-down stabilization: a scale-down goes only as low as the
 * highest recommendation of the last `windowSeconds`, and not at all during
 * the first window after a restart, when the history is unknown.
 */
export function stabilizeDown(
  current: number,
  recommended: number,
  windowSeconds: number,
  history: DownHistory,
  now: number,
): { desired: number; limited: Limited } {
  if (recommended >= current) return { desired: recommended, limited: undefined };
  const windowStart = now - windowSeconds * 1000;
  const inWindow = history.recommendations.filter((r) => r.at >= windowStart).map((r) => r.replicas);
  const warmingUp = history.since > windowStart;
  const floor = Math.min(current, Math.max(recommended, ...inWindow, warmingUp ? current : 0));
  return floor > recommended
    ? { desired: floor, limited: 'stabilization window' }
    : { desired: recommended, limited: undefined };
}

/**
 * Applies HPA's behaviour to a raw recommendation: a scale-down goes only as
 * low as the highest recommendation of the window (and not at all during the
 * first window after a restart, when the history is unknown); a scale-up adds
 * at most max(percent, pods) per period, counted from the replicas at the
 * start of the period; then min and max.
 */
export function applyLimits(
  current: number,
  recommended: number,
  limits: Limits,
  history: DownHistory & { scaleUps: ScaleUp[] },
  now: number,
): { desired: number; limited: Limited } {
  let { desired, limited } = stabilizeDown(current, recommended, limits.stabilizationSeconds, history, now);
  if (desired > current) {
    const periodStart = now - limits.scaleUp.periodSeconds * 1000;
    const base = history.scaleUps.find((s) => s.at >= periodStart)?.from ?? current;
    const cap = Math.max(Math.ceil(base * (1 + limits.scaleUp.percent / 100)), base + limits.scaleUp.pods);
    if (desired > cap) [desired, limited] = [Math.max(cap, current), 'step limit'];
  }
  if (desired > limits.maxReplicas) [desired, limited] = [limits.maxReplicas, 'at max'];
  if (desired < limits.minReplicas) [desired, limited] = [limits.minReplicas, 'at min'];
  return { desired, limited };
}
