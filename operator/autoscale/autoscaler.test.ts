import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/log/logger.js';
import { samplePlatform } from '../api/fixture.js';
import type { AutoscalingTargetStatus } from '../api/status.js';
import { Autoscaler, type AutoscalerCluster, type BacklogSource } from './autoscaler.js';
import { autoscalerMetrics } from './metrics.js';

// The autoscaler's bookkeeping around a decision, with the cluster and the
// broker faked: the converter path, which needs no pod to scrape.
function harness(scale: (replicas: number) => Promise<void>) {
  let replicas = 0;
  /** Undefined: the broker cannot be reached. */
  let messages: number | undefined = 45;
  const statuses: AutoscalingTargetStatus[] = [];
  const events: Array<{ type: string; reason: string; note: string }> = [];
  const cluster: AutoscalerCluster = {
    pods: () => Promise.resolve([]),
    replicas: () => replicas,
    scale: async (_ns, _name, n) => {
      await scale(n);
      replicas = n;
    },
    applyAutoscalingStatus: (_cr, status) => {
      statuses.push(status.converter!);
      return Promise.resolve();
    },
    recordEvent: (_cr, e) => {
      events.push(e);
      return Promise.resolve();
    },
    secretValue: () => Promise.resolve('amqp://broker'),
  };
  const backlog: BacklogSource = {
    read: () =>
      messages === undefined ? Promise.reject(new Error('ECONNREFUSED')) : Promise.resolve({ messages }),
    forget: () => Promise.resolve(),
  };
  let now = 1_000_000;
  const registry = new Registry();
  const autoscaler = new Autoscaler(
    cluster,
    backlog,
    autoscalerMetrics(registry),
    createLogger({ level: 'silent' }),
    () => now,
  );
  const platform = samplePlatform({
    converter: {
      autoscaling: { enabled: true, minReplicas: 0, maxReplicas: 5, targetBacklogPerReplica: 20 },
    },
  });
  return {
    statuses,
    events,
    setBacklog: (n: number | undefined) => (messages = n),
    replicas: () => replicas,
    /** The autoscaler's series on /metrics, as `name{labels} value` lines. */
    series: async () =>
      (await registry.metrics()).split('\n').filter((l) => l.startsWith('enlarger_autoscaler_')),
    /** One interval later, one tick; without the platform when `gone`. */
    tick: async (gone = false) => {
      now += 15_000;
      await autoscaler.tick(gone ? [] : [platform]);
    },
  };
}

const able = (s: AutoscalingTargetStatus | undefined) => s?.conditions.find((c) => c.type === 'AbleToScale');

describe('Autoscaler', () => {
  it('reports a failed scale write as AbleToScale=False FailedUpdateScale, with one Warning, then recovers', async () => {
    let fail = true;
    const h = harness((n) =>
      fail ? Promise.reject(new Error(`forbidden: scale to ${n}`)) : Promise.resolve(),
    );
    await h.tick();
    await h.tick();
    expect(h.replicas()).toBe(0);
    expect(h.statuses).toHaveLength(2);
    expect(able(h.statuses[1])).toMatchObject({
      status: 'False',
      reason: 'FailedUpdateScale',
      message: 'cannot scale to 3: forbidden: scale to 3',
    });
    expect(h.statuses[1]).not.toHaveProperty('lastScaleTime');
    // A Warning when it starts failing, not one per interval.
    expect(h.events).toEqual([
      {
        type: 'Warning',
        reason: 'FailedRescale',
        action: 'Scale',
        note: 'converter: cannot scale to 3: forbidden: scale to 3',
      },
    ]);

    fail = false;
    await h.tick();
    expect(h.replicas()).toBe(3);
    expect(able(h.statuses[2])).toMatchObject({ status: 'True', reason: 'ReadyForNewScale' });
    expect(h.events.at(-1)).toMatchObject({ type: 'Normal', reason: 'Scaled' });
  });

  it('removes a reading it no longer has, and every series of a platform that is gone', async () => {
    const h = harness(() => Promise.resolve());
    await h.tick();
    const labels = 'platform="photos",namespace="media-team",component="converter"';
    expect(await h.series()).toEqual([
      `enlarger_autoscaler_desired_replicas{${labels}} 3`,
      `enlarger_autoscaler_metric_value{${labels},metric="backlogPerReplica"} 45`,
      `enlarger_autoscaler_metric_target{${labels},metric="backlogPerReplica"} 20`,
    ]);
    // The broker is down: no reading this interval, so no stale one either.
    h.setBacklog(undefined);
    await h.tick();
    expect(await h.series()).toEqual([
      `enlarger_autoscaler_desired_replicas{${labels}} 3`,
      `enlarger_autoscaler_scrape_failures_total{${labels}} 1`,
    ]);
    await h.tick(true);
    expect(await h.series()).toEqual([]);
  });
});
