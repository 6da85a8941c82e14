/**
 * Calibration: the resizer as its factory builds it (pick source → load →
 * orient → resize → watermark → encode, logo and attribution on) in process,
 * no socket, on the JPEG-only miss run's URLs with two in flight. Beside
 * `sharp-in-process` it prices the pipeline's own work; beside the HTTP miss
 * run, the request path's. Prints a line like calibrate.js, plus the mean
 * time of each step in ms.
 *
 *   node dist/bench/resizer/in-process.js <data-dir> <photo-id> [seconds=10] [in-flight=2]
 *
 * With one in flight its p95 is a lone render's: the floor under any p95 the
 * service can reach at any load, with one libvips thread per render.
 */
import { Registry } from 'prom-client';
import { measure } from './measure.js';
import { inProcessResizer, warmUp } from './in-process-service.js';
import { missUrl } from '../../test/support/miss-mix.js';

const [dataDir, photoId, seconds = '10', inFlight = '2'] = process.argv.slice(2);
if (!dataDir || !photoId) throw new Error('usage: in-process.js <data-dir> <photo-id> [seconds] [in-flight]');
const registry = new Registry();
const { renderUrl } = inProcessResizer(dataDir, registry);
const renderNth = (n: number) => renderUrl(missUrl(photoId, n, 1, ['jpeg']));

// Warm, as the HTTP runs find the service after their first seconds.
await warmUp(renderNth);
registry.resetMetrics();
const result = await measure(Number(seconds), Number(inFlight), renderNth);
const steps: Record<string, { sum?: number; count?: number }> = {};
const stepDuration = registry.getSingleMetric('enlarger_resizer_step_duration_seconds');
if (!stepDuration) throw new Error('the resizer registered no step duration histogram');
const values = (await stepDuration.get()).values as Array<{
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}>;
for (const { metricName, labels, value } of values) {
  const step = (steps[String(labels.step)] ??= {});
  if (metricName?.endsWith('_sum')) step.sum = value;
  if (metricName?.endsWith('_count')) step.count = value;
}
const stepMs = Object.fromEntries(
  Object.entries(steps).map(([name, s]) => [name, Math.round(((s.sum ?? 0) / (s.count || 1)) * 1e4) / 10]),
);
process.stdout.write(`${JSON.stringify({ mode: 'pipeline-in-process', ...result, stepMs })}\n`);
