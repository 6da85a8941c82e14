import { parseSamples, type Sample } from './exposition.js';

/** A pod of a scaled Deployment, as the autoscaler sees it. */
export interface ScrapeTarget {
  name: string;
  /** The pod IP; undefined until the pod has one. */
  ip: string | undefined;
  ready: boolean;
}

/**
 * Scrapes `/metrics` on the admin port of every ready pod at once, each with
 * its own timeout, so one slow pod costs the interval nothing. A pod that
 * fails is simply absent from the answer: the decision treats it as missing.
 */
export async function scrapePods(
  pods: ScrapeTarget[],
  port: number,
  timeoutMs: number,
): Promise<{ samples: Map<string, Sample[]>; failed: string[] }> {
  const ready = pods.filter((p) => p.ready && p.ip);
  const results = await Promise.allSettled(
    ready.map(async (pod) => {
      const res = await fetch(`http://${pod.ip}:${port}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return [pod.name, parseSamples(await res.text())] as const;
    }),
  );
  const samples = new Map<string, Sample[]>();
  const failed: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') samples.set(r.value[0], r.value[1]);
    else failed.push(ready[i]!.name);
  });
  return { samples, failed };
}

/** The sum of every series of `name`, 0 when absent. */
export function total(samples: Sample[], name: string): number {
  return samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);
}
