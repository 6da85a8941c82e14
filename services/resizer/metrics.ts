import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Latency buckets, dense between 50 and 250 ms where the p95 target (180 ms)
 * lives, so the autoscaler's histogram_quantile interpolates over 25 ms steps
 * instead of guessing inside one wide bucket.
 */
export const LATENCY_BUCKETS = [
  0.002, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.3, 0.4, 0.5, 1, 2.5, 5,
];

/**
 * Names of the series the operator's autoscaler reads from every resizer pod
 * (operator/autoscale/resizer-signals.ts imports them): renaming one here
 * renames it there.
 */
export const RESIZER_SIGNAL_METRICS = {
  queueDepth: 'enlarger_resizer_queue_depth',
  rendersInFlight: 'enlarger_resizer_renders_in_flight',
  slots: 'enlarger_resizer_slots',
  /** A histogram: the autoscaler reads its `_bucket` series. */
  requestDuration: 'enlarger_resizer_request_duration_seconds',
  shed: 'enlarger_resizer_shed_total',
} as const;

/** What the gauges read at scrape time, so they are exact rather than sampled. */
export interface LiveState {
  queued: () => number;
  rendering: () => number;
  slots: number;
  /** Estimated bytes held by the renders running now, of the limiter's memory budget. */
  renderMemoryBytes: () => number;
  outputCacheBytes: () => number;
  sourceCacheBytes: () => number;
  overlayCacheBytes: () => number;
}

/** The resizer's metrics; the autoscaler reads those named in {@link RESIZER_SIGNAL_METRICS}. */
export function createResizerMetrics(registry: Registry, live: LiveState) {
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge(RESIZER_SIGNAL_METRICS.queueDepth, 'Requests waiting for a processing slot.', live.queued);
  gauge(RESIZER_SIGNAL_METRICS.rendersInFlight, 'Renders holding a processing slot.', live.rendering);
  gauge(RESIZER_SIGNAL_METRICS.slots, 'Processing slots (renders that may run at once).', () => live.slots);
  gauge(
    'enlarger_resizer_render_memory_bytes',
    'Estimated working set of the renders running now (admission is by this against RESIZER_RENDER_MEMORY_BYTES).',
    live.renderMemoryBytes,
  );
  const cacheBytes = new Gauge({
    name: 'enlarger_resizer_cache_bytes',
    help: 'Bytes held by the output, source and overlay caches.',
    labelNames: ['cache'] as const,
    registers: [registry],
    collect() {
      this.set({ cache: 'output' }, live.outputCacheBytes());
      this.set({ cache: 'source' }, live.sourceCacheBytes());
      this.set({ cache: 'overlay' }, live.overlayCacheBytes());
    },
  });

  return {
    cacheBytes,
    requestsInFlight: new Gauge({
      name: 'enlarger_resizer_requests_in_flight',
      help: 'Image requests being handled, cache hits and waiting requests included.',
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: RESIZER_SIGNAL_METRICS.requestDuration,
      help: 'Image request latency, from arrival to the last byte handed to the socket.',
      labelNames: ['cache', 'status'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    stepDuration: new Histogram({
      name: 'enlarger_resizer_step_duration_seconds',
      help: 'Time spent in each render pipeline step.',
      labelNames: ['step'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    renders: new Counter({
      name: 'enlarger_resizer_renders_total',
      help: 'Renders run (coalesced requests share one).',
      labelNames: ['format'] as const,
      registers: [registry],
    }),
    backgroundRenders: new Counter({
      name: 'enlarger_resizer_background_renders_total',
      help: 'fmt=auto AVIF renders offered off the request path, by outcome: rendered, skipped (no idle slot), failed.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    shed: new Counter({
      name: RESIZER_SIGNAL_METRICS.shed,
      help: 'Requests answered 503 because every slot and the wait queue were full.',
      registers: [registry],
    }),
  };
}

export type ResizerMetrics = ReturnType<typeof createResizerMetrics>;
