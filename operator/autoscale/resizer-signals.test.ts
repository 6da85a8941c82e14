import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createResizerMetrics } from '../../services/resizer/metrics.js';
import { parseSamples } from './exposition.js';
import { resizerPodSample, resizerSignals, type ResizerPodSample } from './resizer-signals.js';

/** One pod's /metrics as the resizer exposes it, with its cumulative counts per bucket bound. */
function exposition(p: {
  miss?: [number, number, number];
  coalesced?: [number, number, number];
  hit?: [number, number, number];
  shedMiss?: [number, number, number];
  queued?: number;
  rendering?: number;
  shed?: number;
}): string {
  const histogram = (labels: string, [a, b, inf]: [number, number, number]) =>
    [
      `enlarger_resizer_request_duration_seconds_bucket{le="0.1",${labels}} ${a}`,
      `enlarger_resizer_request_duration_seconds_bucket{le="0.2",${labels}} ${b}`,
      `enlarger_resizer_request_duration_seconds_bucket{le="+Inf",${labels}} ${inf}`,
      `enlarger_resizer_request_duration_seconds_count{${labels}} ${inf}`,
    ].join('\n');
  return [
    '# TYPE enlarger_resizer_request_duration_seconds histogram',
    p.miss && histogram('cache="miss",status="200"', p.miss),
    p.coalesced && histogram('cache="coalesced",status="200"', p.coalesced),
    p.hit && histogram('cache="hit",status="200"', p.hit),
    p.shedMiss && histogram('cache="miss",status="503"', p.shedMiss),
    `enlarger_resizer_queue_depth ${p.queued ?? 0}`,
    `enlarger_resizer_renders_in_flight ${p.rendering ?? 0}`,
    'enlarger_resizer_slots 2',
    `enlarger_resizer_requests_in_flight ${(p.queued ?? 0) + (p.rendering ?? 0) + 5}`,
    `enlarger_resizer_shed_total{reason="queue_full"} ${p.shed ?? 0}`,
    `enlarger_resizer_shed_total{reason="overloaded"} 0`,
  ]
    .filter(Boolean)
    .join('\n');
}
const sample = (p: Parameters<typeof exposition>[0]) => resizerPodSample(parseSamples(exposition(p)));

describe('resizerPodSample', () => {
  it('counts only renders (misses and coalesced waits), never hits or shed 503s; in-flight renders and slots as gauges', () => {
    expect(
      sample({
        miss: [1, 3, 4],
        coalesced: [2, 2, 2],
        hit: [50, 50, 50],
        shedMiss: [0, 0, 9],
        queued: 3,
        rendering: 2,
        shed: 7,
      }),
    ).toEqual({
      buckets: [
        { le: 0.1, count: 3 },
        { le: 0.2, count: 5 },
        { le: Infinity, count: 6 },
      ],
      queued: 3,
      rendering: 2,
      slots: 2,
      shedTotal: 7,
    });
  });

  it('reads a pod that rendered nothing yet as empty', () => {
    expect(sample({ hit: [1, 1, 1] })).toEqual({
      buckets: [],
      queued: 0,
      rendering: 0,
      slots: 2,
      shedTotal: 0,
    });
  });
});

describe('resizerSignals', () => {
  const pod = (miss: [number, number, number], queued = 0, shed = 0, rendering = 0): ResizerPodSample =>
    sample({ miss, queued, shed, rendering });

  it('takes the p95 across pods from the bucket deltas since each pod’s previous scrape', () => {
    const before = new Map([
      ['a', pod([10, 10, 10])],
      ['b', pod([0, 0, 0])],
    ]);
    // a: 10 more under 0.1 s; b: 10 between 0.1 and 0.2 s. p95 of the 20 is in b's bucket.
    const now = new Map([
      ['a', pod([20, 20, 20], 1)],
      ['b', pod([0, 10, 10], 2)],
    ]);
    const s = resizerSignals(2, now, before);
    expect(s).toMatchObject({ current: 2, scraped: 2, queued: 3, shed: 0 });
    expect(s.p95Ms).toBeCloseTo(190, 5);
  });

  it('gives a new pod no delta yet: it adds its queue, not its whole history', () => {
    const before = new Map([['a', pod([5, 5, 5])]]);
    const now = new Map([
      ['a', pod([5, 5, 5])],
      ['new', pod([0, 0, 100], 4, 30, 2)],
    ]);
    expect(resizerSignals(2, now, before)).toEqual({
      current: 2,
      scraped: 2,
      p95Ms: undefined,
      queued: 4,
      rendering: 2,
      slots: 4,
      shed: 0,
    });
  });

  it('counts shed requests since the previous scrape, and a reset counter (restarted pod) from zero', () => {
    const before = new Map([
      ['a', pod([0, 0, 0], 0, 10)],
      ['b', pod([0, 0, 0], 0, 40)],
    ]);
    const now = new Map([
      ['a', pod([0, 0, 0], 0, 13)],
      ['b', pod([0, 0, 0], 0, 2)],
    ]);
    expect(resizerSignals(2, now, before).shed).toBe(3 + 2);
  });

  it('takes a restarted pod’s whole histogram as its delta', () => {
    const before = new Map([['a', pod([0, 100, 100])]]);
    const now = new Map([['a', pod([4, 4, 4])]]);
    expect(resizerSignals(1, now, before).p95Ms).toBeCloseTo(95, 5);
  });
});

describe("resizerPodSample on the resizer's own registry", () => {
  it('reads every signal the resizer exposes, under the names it registers them by', async () => {
    const registry = new Registry();
    const metrics = createResizerMetrics(registry, {
      queued: () => 3,
      rendering: () => 2,
      slots: 4,
      renderMemoryBytes: () => 0,
      outputCacheBytes: () => 0,
      sourceCacheBytes: () => 0,
      overlayCacheBytes: () => 0,
    });
    metrics.requestDuration.observe({ cache: 'miss', status: '200' }, 0.1);
    metrics.shed.inc(5);
    const sample = resizerPodSample(parseSamples(await registry.metrics()));
    expect(sample).toMatchObject({ queued: 3, rendering: 2, slots: 4, shedTotal: 5 });
    expect(sample.buckets.at(-1)).toEqual({ le: Infinity, count: 1 });
  });
});
