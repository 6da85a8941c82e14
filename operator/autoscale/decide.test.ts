import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../api/fixture.js';
import { decideConverter } from './decide-converter.js';
import { decideResizer, type ResizerSignals, type ScaleHistory } from './decide-resizer.js';

const spec = samplePlatform({
  resizer: {
    autoscaling: {
      enabled: true,
      minReplicas: 1,
      maxReplicas: 20,
      scaleDown: { stabilizationSeconds: 300 },
    },
  },
}).spec.resizer.autoscaling;
const NOW = 1_000_000_000;
const fresh: ScaleHistory = { recommendations: [], scaleUps: [], since: NOW - 3_600_000 };
const signals = (s: Partial<ResizerSignals>): ResizerSignals => ({
  current: 2,
  scraped: 2,
  p95Ms: 100,
  queued: 0,
  shed: 0,
  rendering: 2,
  slots: 4,
  ...s,
});
const decide = (s: Partial<ResizerSignals>, history = fresh) => decideResizer(signals(s), spec, history, NOW);

describe('decideResizer (HPA semantics plus shedding)', () => {
  it.each([
    ['p95 at target holds', { p95Ms: 180 }, 2],
    ['p95 within the 10 % tolerance holds', { p95Ms: 195 }, 2],
    ['p95 twice the target doubles', { p95Ms: 360 }, 4],
    ['queue above target scales on queue', { p95Ms: 100, queued: 16 }, 4],
    ['the larger of the two recommendations wins', { p95Ms: 270, queued: 24 }, 6],
    ['any shedding adds at least one pod', { p95Ms: 100, shed: 3 }, 3],
    ['low load scales down (no history, window long over)', { p95Ms: 40, queued: 0 }, 1],
  ])('%s', (_name, s, desired) => {
    expect(decide(s).desired).toBe(desired);
  });

  it('treats unscraped pods as idle when the rest ask for more', () => {
    // 1 of 4 pods answered with p95 twice the target: the 3 silent ones may be fine, so 4 × (2 × 1/4) = 2 → hold.
    expect(decide({ current: 4, scraped: 1, p95Ms: 360 }).desired).toBe(4);
    // 3 of 4 at 3 × target: 4 × (3 × 3/4) = 9, cut to 8 by the step limit.
    expect(decide({ current: 4, scraped: 3, p95Ms: 540 })).toMatchObject({
      desired: 8,
      limited: 'step limit',
    });
  });

  it('treats unscraped pods as on target when the rest ask for fewer', () => {
    // 2 of 4 idle, 2 unknown: (0 × 2 + 2) / 4 = 0.5 → 2, not 1.
    expect(decide({ current: 4, scraped: 2, p95Ms: undefined, queued: 0 }).desired).toBe(2);
  });

  it('holds, inactive, with no metrics at all', () => {
    expect(decide({ current: 3, scraped: 0 })).toMatchObject({ desired: 3, active: false });
  });

  it('limits a scale-up to max(100 %, 4 pods) per period, counted from the start of the period', () => {
    expect(decide({ current: 2, p95Ms: 1800 })).toMatchObject({ desired: 6, limited: 'step limit' });
    const afterOne = { ...fresh, scaleUps: [{ at: NOW - 5_000, from: 2 }] };
    expect(decide({ current: 6, scraped: 6, p95Ms: 1800 }, afterOne)).toMatchObject({
      desired: 6,
      limited: 'step limit',
    });
    expect(decide({ current: 10, scraped: 10, p95Ms: 1800 })).toMatchObject({
      desired: 20,
      limited: 'step limit',
    });
  });

  it('scales down only to the highest recommendation of the stabilization window', () => {
    const busyLately = {
      ...fresh,
      recommendations: [
        { at: NOW - 60_000, replicas: 3 },
        { at: NOW - 400_000, replicas: 9 },
      ],
    };
    expect(decide({ current: 4, scraped: 4, p95Ms: 40 }, busyLately)).toMatchObject({
      desired: 3,
      limited: 'stabilization window',
    });
  });

  it('never scales down during the first window after a restart', () => {
    const restarted = { ...fresh, since: NOW - 10_000 };
    expect(decide({ current: 4, scraped: 4, p95Ms: 40 }, restarted)).toMatchObject({
      desired: 4,
      limited: 'stabilization window',
    });
  });

  it('clamps to min and max', () => {
    expect(decide({ current: 20, scraped: 20, p95Ms: 900 })).toMatchObject({
      desired: 20,
      limited: 'at max',
    });
    expect(decide({ current: 3, scraped: 3, p95Ms: undefined, queued: 0 })).toMatchObject({
      desired: 1,
      limited: 'at min',
    });
  });

  it('shows busy slots per pod beside the readings it decides on', () => {
    expect(decide({ rendering: 3, slots: 4 }).metrics).toEqual([
      { name: 'p95Milliseconds', current: 100, target: 180 },
      { name: 'queuePerPod', current: 0, target: 4 },
      { name: 'shed', current: 0, target: 0 },
      { name: 'rendersPerPod', current: 1.5, target: 2 },
    ]);
    // Saturated slots alone decide nothing: p95 and queue are on target.
    expect(decide({ rendering: 4, slots: 4 }).desired).toBe(2);
  });

  it('explains the decision in one line', () => {
    expect(decide({ current: 2, p95Ms: 412 }).message).toBe('p95 412 ms > 180 ms target: 2 → 5');
    expect(decide({ current: 2, p95Ms: 1800 }).message).toBe(
      'p95 1800 ms > 180 ms target: 2 → 6 (step limit)',
    );
    expect(decide({ current: 2, p95Ms: 100, shed: 7 }).message).toBe('7 requests shed: 2 → 3');
  });
});

describe('decideConverter (backlog, scale to zero after a cooldown)', () => {
  const conv = samplePlatform({
    converter: {
      autoscaling: {
        enabled: true,
        minReplicas: 0,
        maxReplicas: 5,
        targetBacklogPerReplica: 10,
        cooldownSeconds: 300,
      },
    },
  }).spec.converter.autoscaling;
  const d = (
    current: number,
    backlog: number | undefined,
    inFlight: number | undefined,
    idleSince?: number,
    history: ScaleHistory = fresh,
  ) => decideConverter({ current, backlog, inFlight }, conv, idleSince, history, NOW);
  const recent = (replicas: number, ago = 60_000): ScaleHistory => ({
    ...fresh,
    recommendations: [{ at: NOW - ago, replicas }],
  });

  it.each([
    ['from zero to one as soon as one task waits', d(0, 1, 0), 1],
    ['ceil(backlog / target)', d(1, 35, 1), 4],
    ['clamped at max', d(2, 500, 2), 5],
    ['held while the queue is empty but tasks are in flight', d(3, 0, 2, NOW - 900_000), 3],
    ['held while some pod could not be scraped', d(3, 0, undefined, NOW - 900_000), 3],
    ['down to one while idle inside the cooldown', d(3, 0, 0, NOW - 10_000), 1],
    ['to zero once idle for the cooldown', d(1, 0, 0, NOW - 300_000), 0],
    ['stays at zero when idle, even without an idle time (after a restart)', d(0, 0, 0), 0],
    ['stays at zero when idle inside the cooldown', d(0, 0, 0, NOW - 10_000), 0],
    ['held when the broker cannot be asked', d(2, undefined, 0), 2],
    ['down only to the highest recommendation of the window', d(5, 15, 2, undefined, recent(4)), 4],
    ['down to the backlog once the window has passed', d(5, 15, 2, undefined, recent(4, 400_000)), 2],
    [
      'no scale-down in the first window after a restart',
      d(5, 15, 2, undefined, { ...fresh, since: NOW - 10_000 }),
      5,
    ],
    [
      'idle inside the cooldown: down only as far as the window allows',
      d(3, 0, 0, NOW - 10_000, recent(3)),
      3,
    ],
    ['up at once, whatever the window', d(1, 45, 1, undefined, recent(1)), 5],
    ['to zero after the cooldown, whatever the window', d(2, 0, 0, NOW - 300_000, recent(2)), 0],
  ])('%s', (_name, decision, desired) => {
    expect(decision.desired).toBe(desired);
  });

  it('reports the backlog per replica against the per-replica target', () => {
    expect(d(2, 35, 1).metrics).toEqual([{ name: 'backlogPerReplica', current: 17.5, target: 10 }]);
    // At zero the replica about to start has it all.
    expect(d(0, 7, 0).metrics).toEqual([{ name: 'backlogPerReplica', current: 7, target: 10 }]);
  });

  it('says when the window held a scale-down, and remembers what the backlog asked for', () => {
    expect(d(5, 15, 2, undefined, recent(4))).toMatchObject({
      desired: 4,
      recommended: 2,
      limited: 'stabilization window',
      message: 'backlog 15 (10/replica): 5 → 4 (stabilization window)',
    });
  });

  it('says why it holds or waits', () => {
    expect(d(2, undefined, 0)).toMatchObject({
      active: false,
      message: 'cannot read the queue backlog: holding 2',
    });
    expect(d(1, 0, 0, NOW - 10_000).message).toBe(
      'backlog 0 (10/replica), idle; zero after 300s cooldown: holding 1',
    );
  });
});
