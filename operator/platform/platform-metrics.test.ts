import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../api/fixture.js';
import type { ImagePlatform } from '../api/imageplatform.js';
import { platformState, registerPlatformMetrics } from './platform-metrics.js';

const condition = (type: string, status: 'True' | 'False' | 'Unknown') => ({
  type,
  status,
  lastTransitionTime: '2026-12-01T00:00:00Z',
  reason: 'Test',
  message: '',
});
const replicas = (desired: number, ready: number) => ({
  desired,
  ready,
  updated: ready,
  display: `${ready}/${desired}`,
});

function degradedPlatform(): ImagePlatform {
  const cr = samplePlatform({
    converter: { autoscaling: { enabled: true, minReplicas: 0, maxReplicas: 6 } },
    resizer: { replicas: 3 },
  });
  cr.status = {
    conditions: [
      condition('Ready', 'False'),
      condition('Degraded', 'True'),
      condition('Progressing', 'Unknown'),
    ],
    components: { converter: replicas(6, 5) },
  };
  return cr;
}

describe('platformState', () => {
  it('exports conditions (Unknown left out), status replicas and each ceiling', () => {
    const base = { namespace: 'media-team', platform: 'photos' };
    expect(platformState([degradedPlatform()])).toEqual({
      conditions: [
        { labels: { ...base, condition: 'Ready' }, value: 0 },
        { labels: { ...base, condition: 'Degraded' }, value: 1 },
      ],
      replicas: [
        { labels: { ...base, component: 'converter', state: 'desired' }, value: 6 },
        { labels: { ...base, component: 'converter', state: 'ready' }, value: 5 },
        { labels: { ...base, component: 'converter', state: 'updated' }, value: 5 },
      ],
      maxReplicas: [
        // media has no autoscaler: its fixed count (default 2) is its ceiling.
        { labels: { ...base, component: 'media' }, value: 2 },
        { labels: { ...base, component: 'converter' }, value: 6 },
        { labels: { ...base, component: 'resizer' }, value: 3 },
      ],
    });
  });

  it('has nothing for no platforms', () => {
    expect(platformState([])).toEqual({ conditions: [], replicas: [], maxReplicas: [] });
  });
});

describe('registerPlatformMetrics', () => {
  it('reads the platforms at each scrape, so a deleted platform disappears', async () => {
    const registry = new Registry();
    let platforms = [degradedPlatform()];
    registerPlatformMetrics(registry, () => platforms);
    const first = await registry.metrics();
    expect(first).toContain(
      'enlarger_platform_condition{namespace="media-team",platform="photos",condition="Degraded"} 1',
    );
    expect(first).toContain(
      'enlarger_platform_replicas{namespace="media-team",platform="photos",component="converter",state="ready"} 5',
    );
    expect(first).toContain(
      'enlarger_platform_max_replicas{namespace="media-team",platform="photos",component="converter"} 6',
    );
    platforms = [];
    expect(await registry.metrics()).not.toMatch(/platform="photos"/);
  });
});
