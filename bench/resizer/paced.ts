/**
 * Open-loop load at a fixed rate: one request every 1000/rate ms whether or
 * not earlier ones have finished, so latency is what a request arriving at
 * that rate sees. (autocannon's overallRate releases each second's quota as
 * a burst, which measures its own queueing.) Prints one JSON line like
 * load.ts.
 *
 *   node paced.js <base-url> <photo-id> <seconds> <rate> [formats] [salt]
 */
import http from 'node:http';
import { percentile } from '../../test/support/stats.js';
import { missUrl } from '../../test/support/miss-mix.js';

const [base, photoId, seconds, rateArg, formatsArg, saltArg] = process.argv.slice(2);
if (!base || !photoId || !seconds || !rateArg) {
  throw new Error('usage: paced.js <base-url> <photo-id> <seconds> <rate> [formats] [salt]');
}
const rate = Number(rateArg);
const formats = (formatsArg ?? 'jpeg,webp').split(',');
const salt = Number(saltArg ?? 1);
const agent = new http.Agent({ keepAlive: true });
const latencies: number[] = [];
const statuses: Record<string, number> = {};

function send(path: string): Promise<void> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.get(new URL(path, base), { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 200) latencies.push(performance.now() - started);
        resolve();
      });
    });
    req.on('error', () => {
      statuses.error = (statuses.error ?? 0) + 1;
      resolve();
    });
  });
}

const total = Math.round(rate * Number(seconds));
const started = performance.now();
const inFlight: Promise<void>[] = [];
for (let n = 0; n < total; n++) {
  // Sleep until this request's slot on the schedule, not for a fixed gap, so timer drift does not add up.
  const due = started + (n * 1000) / rate;
  await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  inFlight.push(send(missUrl(photoId, n, salt, formats)));
}
await Promise.all(inFlight);
agent.destroy();
latencies.sort((a, b) => a - b);
const round = (v: number) => Math.round(v * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    mode: 'miss',
    tool: 'paced',
    formats: formats.join(','),
    rate,
    rps: round(latencies.length / Number(seconds)),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    statuses,
  })}\n`,
);
