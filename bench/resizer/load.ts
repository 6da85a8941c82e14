/**
 * Drives the resizer with autocannon from its own process and prints one
 * JSON line: req/s, p50/p95/p99 in ms, and the status counts.
 *
 *   node load.js <base-url> <photo-id> miss|hit <seconds> <connections> [formats] [salt]
 *
 * Flat out: each connection sends its next request as soon as the last one
 * is answered. `miss` sends a URL never seen before on every request (`salt`
 * 1–39 keeps runs apart, `formats` defaults to jpeg,webp); `hit` cycles the
 * popular sizes (warm them first).
 */
import autocannon from 'autocannon';
import { percentile } from '../../test/support/stats.js';
import { missUrl } from '../../test/support/miss-mix.js';
import { hitUrls } from './urls.js';

const [base, photoId, mode, seconds, connections, formatsArg, saltArg] = process.argv.slice(2);
if (!base || !photoId || (mode !== 'miss' && mode !== 'hit')) {
  throw new Error('usage: load.js <base-url> <photo-id> miss|hit <seconds> <connections> [formats] [salt]');
}
const formats = (formatsArg ?? 'jpeg,webp').split(',');
const salt = Number(saltArg ?? 1);

const hits = hitUrls(photoId);
let n = 0;
const next = () => (mode === 'miss' ? missUrl(photoId, n++, salt, formats) : hits[n++ % hits.length]!);

const latencies: number[] = [];
const statuses: Record<string, number> = {};
const result = await new Promise<autocannon.Result>((resolve, reject) => {
  const instance = autocannon(
    {
      url: base,
      connections: Number(connections ?? 2),
      duration: Number(seconds ?? 10),
      requests: [{ setupRequest: (req) => ({ ...req, path: next() }) }],
    },
    (err, done) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(done)),
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (statusCode === 200) latencies.push(responseTime);
  });
});
latencies.sort((a, b) => a - b);
const round = (v: number) => Math.round(v * 100) / 100;
process.stdout.write(
  `${JSON.stringify({
    mode,
    ...(mode === 'miss' && { formats: formats.join(',') }),
    connections: Number(connections ?? 2),
    rps: round(latencies.length / (result.duration || Number(seconds))),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    statuses,
  })}\n`,
);
