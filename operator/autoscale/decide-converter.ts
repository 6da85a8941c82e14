import type { ConverterAutoscaling } from '../api/spec.js';
import type { MetricReading, ScaleDecision } from './decide-resizer.js';
import { stabilizeDown, type DownHistory } from './replica-math.js';

/** What one interval measured of the converter's queue. */
export interface ConverterSignals {
  /** Replicas the Deployment asks for now. */
  current: number;
  /** Tasks ready in the queue (passive declare), undefined when the broker could not be asked. */
  backlog: number | undefined;
  /**
   * Tasks being converted, summed over the converter pods' in-flight gauges;
   * undefined when some pod could not be scraped (then it may be busy).
   */
  inFlight: number | undefined;
}

/**
 * The converter's replica count, KEDA-style: `ceil(backlog / target)` per
 * replica, from 0 to 1 as soon as anything waits, and back to `minReplicas`
 * (0 allowed) only after `cooldownSeconds` of an empty queue with nothing
 * unacknowledged; an idle converter already at 0 stays there. Other
 * scale-downs go only to the highest recommendation of the last
 * `cooldownSeconds` (HPA's stabilization window), so bursts do not swing it.
 * `idleSince` is when the queue was last seen turning idle; the caller keeps
 * it and the window's history. Without a backlog reading the count is held.
 */
export function decideConverter(
  signals: ConverterSignals,
  spec: ConverterAutoscaling,
  idleSince: number | undefined,
  history: DownHistory,
  now: number,
): ScaleDecision {
  const { current, backlog, inFlight } = signals;
  if (backlog === undefined) {
    return {
      desired: current,
      recommended: current,
      active: false,
      limited: undefined,
      metrics: [],
      message: `cannot read the queue backlog: holding ${current}`,
    };
  }
  // Per replica, as the target is; at zero replicas the one about to start would take it all.
  const metrics: MetricReading[] = [
    {
      name: 'backlogPerReplica',
      current: Math.round((backlog / Math.max(current, 1)) * 10) / 10,
      target: spec.targetBacklogPerReplica,
    },
  ];
  // One pod is the floor only while there is work or a pod to keep: an idle converter already at 0 (say,
  // after an operator restart, which forgets idleSince) stays there rather than waking for one cooldown.
  const busy = backlog > 0 || (inFlight ?? 0) > 0 || current > 0;
  const floor = busy ? Math.max(spec.minReplicas, 1) : spec.minReplicas;
  const fromBacklog = Math.ceil(backlog / spec.targetBacklogPerReplica);
  const idle = backlog === 0 && inFlight === 0;
  const cooledDown = idle && idleSince !== undefined && now - idleSince >= spec.cooldownSeconds * 1000;
  let recommended = cooledDown ? spec.minReplicas : Math.max(floor, fromBacklog);
  // Nothing waits but something may still be converting: keep every pod until it is done.
  if (backlog === 0 && !idle) recommended = Math.max(recommended, current);
  // The step to minReplicas after the cooldown has waited long enough already.
  let { desired, limited } = cooledDown
    ? { desired: recommended, limited: undefined as ScaleDecision['limited'] }
    : stabilizeDown(current, recommended, spec.cooldownSeconds, history, now);
  if (desired > spec.maxReplicas) [desired, limited] = [spec.maxReplicas, 'at max'];
  const change = desired === current ? `holding ${current}` : `${current} → ${desired}`;
  let cause = `backlog ${backlog} (${spec.targetBacklogPerReplica}/replica)`;
  if (idle && !cooledDown && current > spec.minReplicas && spec.minReplicas === 0)
    cause += `, idle; zero after ${spec.cooldownSeconds}s cooldown`;
  else if (cooledDown && current > desired) cause += `, idle for ${spec.cooldownSeconds}s`;
  return {
    desired,
    recommended,
    active: true,
    limited,
    metrics,
    message: `${cause}: ${change}${limited ? ` (${limited})` : ''}`,
  };
}
