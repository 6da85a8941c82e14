import type { ResizerAutoscaling } from '../api/spec.js';
import {
  applyLimits,
  recommendFromRatio,
  type Limited,
  type Recommendation,
  type ScaleUp,
} from './replica-math.js';

/** What one interval's scrape of the resizer pods measured. */
export interface ResizerSignals {
  /** Replicas the Deployment asks for now. */
  current: number;
  /** Ready pods whose metrics were scraped this interval. */
  scraped: number;
  /** p95 of rendered (cache-miss) requests across pods over the interval, ms; undefined when nothing rendered. */
  p95Ms: number | undefined;
  /** Requests waiting for a render slot, summed over the scraped pods. */
  queued: number;
  /** Requests shed with 503 over the interval, summed over the scraped pods. */
  shed: number;
  /** Renders holding a slot now and slots, summed over the scraped pods: shown, not decided on. */
  rendering: number;
  slots: number;
}

/** One metric's reading and target, as status and `kubectl describe` show them. */
export interface MetricReading {
  name: 'p95Milliseconds' | 'queuePerPod' | 'shed' | 'rendersPerPod' | 'backlogPerReplica';
  current: number;
  target: number;
}

export interface ScaleDecision {
  desired: number;
  /** What the metrics asked for before the limits, remembered for the scale-down window. */
  recommended: number;
  /** False when there was nothing to decide on: the count is held. */
  active: boolean;
  limited: Limited;
  metrics: MetricReading[];
  /** One line: what was measured, against what, and what it led to. */
  message: string;
}

export interface ScaleHistory {
  recommendations: Recommendation[];
  scaleUps: ScaleUp[];
  /** When this operator started watching the platform. */
  since: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * The resizer's replica count for the next interval: HPA's algorithm over p95
 * latency and queue depth (the larger recommendation wins), plus what HPA
 * cannot see: any request shed in the interval means at least one pod more.
 * Pure: the caller keeps the history and does the scaling.
 */
export function decideResizer(
  signals: ResizerSignals,
  spec: ResizerAutoscaling,
  history: ScaleHistory,
  now: number,
): ScaleDecision {
  const { current, scraped } = signals;
  if (scraped === 0) {
    return {
      desired: current,
      recommended: current,
      active: false,
      limited: undefined,
      metrics: [],
      message: `no metrics from any of ${current} resizer pods: holding ${current}`,
    };
  }
  const queuePerPod = signals.queued / scraped;
  const metrics: MetricReading[] = [
    ...(signals.p95Ms === undefined
      ? []
      : [
          {
            name: 'p95Milliseconds' as const,
            current: Math.round(signals.p95Ms),
            target: spec.targetP95Milliseconds,
          },
        ]),
    { name: 'queuePerPod', current: round(queuePerPod), target: spec.targetQueueDepth },
    { name: 'shed', current: signals.shed, target: 0 },
    // How busy the pods' slots are: an explanation beside the decision, never an input to it.
    {
      name: 'rendersPerPod',
      current: round(signals.rendering / scraped),
      target: round(signals.slots / scraped),
    },
  ];
  const candidates = [
    ...(signals.p95Ms === undefined
      ? []
      : [
          {
            why: 'p95',
            replicas: recommendFromRatio(current, scraped, signals.p95Ms / spec.targetP95Milliseconds),
          },
        ]),
    { why: 'queue', replicas: recommendFromRatio(current, scraped, queuePerPod / spec.targetQueueDepth) },
    ...(signals.shed > 0 ? [{ why: 'shed', replicas: current + 1 }] : []),
  ];
  const top = candidates.reduce((a, b) => (b.replicas > a.replicas ? b : a));
  const { desired, limited } = applyLimits(
    current,
    top.replicas,
    {
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      scaleUp: spec.scaleUp,
      stabilizationSeconds: spec.scaleDown.stabilizationSeconds,
    },
    history,
    now,
  );
  return {
    desired,
    recommended: top.replicas,
    active: true,
    limited,
    metrics,
    message: describe(top.why, signals, spec, current, desired, limited),
  };
}

function describe(
  why: string,
  s: ResizerSignals,
  spec: ResizerAutoscaling,
  current: number,
  desired: number,
  limited: Limited,
): string {
  const p95 = s.p95Ms === undefined ? 'no renders' : `p95 ${Math.round(s.p95Ms)} ms`;
  const queue = `queue ${round(s.queued / s.scraped)}/pod`;
  let cause: string;
  if (why === 'shed') cause = `${s.shed} requests shed`;
  else if (why === 'p95')
    cause = `${p95} ${s.p95Ms! > spec.targetP95Milliseconds ? '>' : '<='} ${spec.targetP95Milliseconds} ms target`;
  else
    cause = `${queue} ${s.queued / s.scraped > spec.targetQueueDepth ? '>' : '<='} ${spec.targetQueueDepth} target, ${p95}`;
  const change = desired === current ? `holding ${current}` : `${current} → ${desired}`;
  return `${cause}: ${change}${limited ? ` (${limited})` : ''}`;
}
