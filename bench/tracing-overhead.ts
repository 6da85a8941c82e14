/**
 * What tracing costs the resizer's render path, off and on, in one run
 * (`make bench-tracing`). Two resizers from the service's own factory on one
 * seeded filesystem photo (2400×1600, master and sizes), driven without a
 * socket (light-my-request), requests interleaved one off, one on, each a new
 * width so each is a full render (output cache miss). "On" has the request
 * span and a span per pipeline step, through the SDK's BatchSpanProcessor to
 * an exporter that drops them: the SDK's cost without the network's. "Off" is
 * the service as it ships: no middleware, and each step's wrapper one boolean
 * test. A last row times that wrapper alone, off, against a bare call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import { inject } from 'light-my-request';
import { Registry } from 'prom-client';
import { createLogger } from '../lib/log/logger.js';
import { FsStorage } from '../lib/storage/fs-storage.js';
import { startTracing } from '../lib/tracing/setup.js';
import { inSpan, setTracingEnabled } from '../lib/tracing/span.js';
import { loadResizerConfig } from '../services/resizer/config.js';
import { createResizerService } from '../services/resizer/service.js';
import { seedPhoto } from '../test/integration/resizer-fixtures.js';

const RENDERS = Number(process.argv[2] ?? 120);
const log = createLogger({ level: 'silent' });
const dropping: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: () => Promise.resolve(),
};

const dir = await mkdtemp(path.join(tmpdir(), 'bench-tracing-'));
const storage = new FsStorage(dir);
const photo = await seedPhoto(storage, { width: 2400, height: 1600, masterWidth: 2400, sizes: [640, 1280] });
const resizer = () =>
  createResizerService({
    config: loadResizerConfig({ STORAGE_KIND: 'fs', DATA_DIR: dir }),
    storage,
    registry: new Registry(),
    log,
  }).app;

// Built before the SDK starts, so it has no request middleware, as with tracing off.
const off = resizer();
const tracing = startTracing(
  { endpoint: 'http://unused.invalid', headers: {}, serviceName: 'bench', sampler: 'always_on', ratio: 1 },
  log,
  dropping,
);
const on = resizer();

async function render(app: ReturnType<typeof resizer>, width: number, traced: boolean): Promise<number> {
  setTracingEnabled(traced);
  const started = performance.now();
  const res = await inject(app, { method: 'GET', url: `/v1/photos/${photo.id}?w=${width}&fmt=jpeg` });
  if (res.statusCode !== 200) throw new Error(`w=${width}: ${res.statusCode}`);
  return performance.now() - started;
}

// Warm both: source cache, overlays, libvips.
for (let w = 300; w < 340; w += 10) {
  await render(off, w, false);
  await render(on, w + 1, true);
}
const times = { off: [] as number[], on: [] as number[] };
const timeOff = async (width: number) => times.off.push(await render(off, width, false));
const timeOn = async (width: number) => times.on.push(await render(on, width + 1, true));
for (let i = 0; i < RENDERS; i++) {
  // Neighbouring widths cost the same; which goes first alternates.
  const width = 600 + 2 * i;
  const [first, second] = i % 2 === 0 ? [timeOff, timeOn] : [timeOn, timeOff];
  await first(width);
  await second(width);
}

setTracingEnabled(false);
const CALLS = 1_000_000;
const step = () => Promise.resolve();
const loop = async (fn: () => Promise<void>) => {
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await fn();
  return Number(process.hrtime.bigint() - started) / CALLS;
};
const bare = await loop(step);
const wrapped = await loop(() => inSpan('step', step));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(
  `renders per mode: ${RENDERS}, widths 600-${600 + 2 * RENDERS} px, JPEG, from the 2400 px master`,
);
console.log(`| tracing | median ms/render | mean ms/render |`);
console.log(`| off     | ${median(times.off).toFixed(2)} | ${mean(times.off).toFixed(2)} |`);
console.log(`| on      | ${median(times.on).toFixed(2)} | ${mean(times.on).toFixed(2)} |`);
console.log(
  `on ÷ off: median ${(median(times.on) / median(times.off)).toFixed(3)}, mean ${(mean(times.on) / mean(times.off)).toFixed(3)}`,
);
console.log(
  `step wrapper, tracing off: ${wrapped.toFixed(0)} ns per call vs ${bare.toFixed(0)} ns bare (${CALLS} awaited calls)`,
);
await tracing.shutdown();
await rm(dir, { recursive: true, force: true });
