import { RESIZER_SIGNAL_METRICS as NAMES } from '../../services/resizer/metrics.js';
import type { ResizerSignals } from './decide-resizer.js';
import type { Sample } from './exposition.js';
import { deltaBuckets, quantile, sumBuckets, type Bucket } from './histogram.js';
import { total } from './pod-metrics.js';

/** What the autoscaler keeps of one resizer pod's scrape, to diff against the next. */
export interface ResizerPodSample {
  /** Cumulative latency buckets of rendered requests: cache misses and coalesced waits, shed 503s left out. */
  buckets: Bucket[];
  queued: number;
  /** Renders holding a slot now, and the pod's slots: shown in status, not a decision input. */
  rendering: number;
  slots: number;
  shedTotal: number;
}

const DURATION = `${NAMES.requestDuration}_bucket`;

/** Reduces one pod's scrape to what the decision reads. */
export function resizerPodSample(samples: Sample[]): ResizerPodSample {
  const rendered = samples.filter(
    (s) =>
      s.name === DURATION &&
      (s.labels.cache === 'miss' || s.labels.cache === 'coalesced') &&
      s.labels.status !== '503',
  );
  const byBound = new Map<number, number>();
  for (const s of rendered) {
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byBound.set(le, (byBound.get(le) ?? 0) + s.value);
  }
  return {
    buckets: [...byBound.entries()].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count })),
    queued: total(samples, NAMES.queueDepth),
    rendering: total(samples, NAMES.rendersInFlight),
    slots: total(samples, NAMES.slots),
    shedTotal: total(samples, NAMES.shed),
  };
}

/**
 * The interval's signals across pods: p95 from the sum of every pod's bucket
 * deltas since its previous scrape (so a pod with more traffic weighs more),
 * queue depth now, and requests shed since the previous scrape. A pod seen for
 * the first time has no delta yet and adds only its queue and renders.
 */
export function resizerSignals(
  current: number,
  now: Map<string, ResizerPodSample>,
  before: Map<string, ResizerPodSample>,
): ResizerSignals {
  const deltas: Bucket[][] = [];
  let shed = 0;
  let queued = 0;
  let rendering = 0;
  let slots = 0;
  for (const [pod, sample] of now) {
    queued += sample.queued;
    rendering += sample.rendering;
    slots += sample.slots;
    const previous = before.get(pod);
    if (!previous) continue;
    deltas.push(deltaBuckets(sample.buckets, previous.buckets));
    shed += sample.shedTotal >= previous.shedTotal ? sample.shedTotal - previous.shedTotal : sample.shedTotal;
  }
  const p95 = quantile(0.95, sumBuckets(deltas));
  const p95Ms = p95 === undefined ? undefined : p95 * 1000;
  return { current, scraped: now.size, p95Ms, queued, rendering, slots, shed };
}
