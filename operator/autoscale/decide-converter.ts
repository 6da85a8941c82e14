import type { ConverterAutoscaling } from '../api/spec.js';
import type { MetricReading, ScaleDecision } from './decide-resizer.js';

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
 * unacknowledged; an idle converter already at 0 stays there. `idleSince`
 * is when the queue was last seen turning idle; the caller keeps it. Without a backlog reading the count is held.
 */
export function decideConverter(
  signals: ConverterSignals,
  spec: ConverterAutoscaling,
  idleSince: number | undefined,
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
  let desired = cooledDown ? spec.minReplicas : Math.max(floor, fromBacklog);
  // Nothing waits but something may still be converting: keep every pod until it is done.
  if (backlog === 0 && !idle) desired = Math.max(desired, current);
  let limited: ScaleDecision['limited'];
  if (desired > spec.maxReplicas) [desired, limited] = [spec.maxReplicas, 'at max'];
  const change = desired === current ? `holding ${current}` : `${current} → ${desired}`;
  let cause = `backlog ${backlog} (${spec.targetBacklogPerReplica}/replica)`;
  if (idle && !cooledDown && current > spec.minReplicas && spec.minReplicas === 0)
    cause += `, idle; zero after ${spec.cooldownSeconds}s cooldown`;
  else if (cooledDown && current > desired) cause += `, idle for ${spec.cooldownSeconds}s`;
  return {
    desired,
    recommended: desired,
    active: true,
    limited,
    metrics,
    message: `${cause}: ${change}${limited ? ` (${limited})` : ''}`,
  };
}
