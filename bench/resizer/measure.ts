import { percentile } from '../../test/support/stats.js';

/** Throughput and latency of in-process work, as the calibrations report it. */
export interface Measured {
  images: number;
  perSecond: number;
  p50: number;
  p95: number;
}

/** Runs `work(n)` for n = 0, 1, … with `inFlight` at a time for `seconds`, timing each call. */
export async function measure(
  seconds: number,
  inFlight: number,
  work: (n: number) => Promise<unknown>,
): Promise<Measured> {
  const until = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  let n = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      await work(n++);
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    images: latencies.length,
    perSecond: round(latencies.length / elapsed),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
  };
}
