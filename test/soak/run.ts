/**
 * Load-and-fault soak: real media, converter and resizer processes, each
 * with the environment and memory budgets the operator renders for a
 * default ImagePlatform, on a RabbitMQ node and a MinIO server of the
 * soak's own. It measures the resizer's flat-out capacity, then for
 * `--seconds` drives resizes (signed, every one a cache miss) open-loop at
 * `--load`× that capacity while uploading real photos through media; during
 * it RabbitMQ is restarted once, MinIO stopped for 10 s and the converter
 * SIGKILLed twice (and restarted, as a Deployment would). Then it waits for
 * every accepted upload to be converted and reports: uploads accepted vs
 * ready, 5xx other than shedding, shed count, resizer req/s and p95, and
 * each service's peak RSS against its pod's memory limit. The table goes to
 * stdout, the JSON to .run/soak/soak.json; it exits non-zero when an upload
 * was lost, a non-shed 5xx came outside a fault, a service crashed or went
 * past its limit.
 *
 *   make soak   # = npx tsx test/soak/run.ts [--seconds 600] [--load 2] [--upload-every 4] …
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { S3Storage } from '../../lib/storage/s3-storage.js';
import { realPhotosDir } from '../../test/support/photos.js';
import { buildCli } from '../../test/support/processes.js';
import { Deployment } from './deployment.js';
import { SoakInfra } from './infra.js';
import { defaultPods, type ServiceName } from './platform.js';
import { classify, table, mib, type Fault } from './report.js';
import { percentile } from '../support/stats.js';
import { call, closedLoop, loadPhotos, openLoop, resizeUrl, Tally } from './traffic.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '600' },
    load: { type: 'string', default: '2' },
    'capacity-seconds': { type: 'string', default: '20' },
    'capacity-connections': { type: 'string', default: '4' },
    'upload-every': { type: 'string', default: '5' },
    seeds: { type: 'string', default: '8' },
    'drain-seconds': { type: 'string', default: '900' },
  },
});
const SECONDS = Number(args.seconds);
const LOAD = Number(args.load);
const CAPACITY_SECONDS = Number(args['capacity-seconds']);
const CAPACITY_CONNECTIONS = Number(args['capacity-connections']);
const UPLOAD_EVERY = Number(args['upload-every']);
const SEEDS = Number(args.seeds);
const DRAIN_SECONDS = Number(args['drain-seconds']);

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUN_DIR = path.join(REPO, '.run/soak');
const started = Date.now();
const now = () => (Date.now() - started) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (msg: string) => process.stderr.write(`[soak ${now().toFixed(0).padStart(4)}s] ${msg}\n`);

await mkdir(RUN_DIR, { recursive: true });
const infra = new SoakInfra(REPO, RUN_DIR);
const signingKey = randomBytes(24).toString('base64url');
const suffix = Math.random().toString(36).slice(2, 8);
const pods = defaultPods(infra, `soak-${suffix}`, `soak.convert.${suffix}`, signingKey);
const deployments = new Map<ServiceName, Deployment>();
let sampler: NodeJS.Timeout | undefined;

async function teardown(): Promise<void> {
  clearInterval(sampler);
  for (const d of deployments.values()) await d.stop().catch(() => undefined);
  await infra.down();
}
process.once('SIGINT', () => void teardown().finally(() => process.exit(130)));

say(`building dist/ and starting RabbitMQ and MinIO of the soak's own (logs in ${RUN_DIR})`);
await Promise.all([buildCli(), infra.up()]);
try {
  const bucket = pods[0]!.env.S3_BUCKET!;
  const storage = new S3Storage({
    bucket,
    endpoint: infra.s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: infra.s3.accessKeyId, secretAccessKey: infra.s3.secretAccessKey },
  });
  await storage.ensureBucket();
  storage.destroy();
  for (const pod of pods) {
    const d = new Deployment(pod.name, pod.env, path.join(RUN_DIR, `${pod.name}.log`), REPO, started);
    deployments.set(pod.name, d);
    await d.start();
  }
  sampler = setInterval(() => void Promise.all([...deployments.values()].map((d) => d.sample())), 1000);
  const media = await deployments.get('media')!.url();
  const resizer = await deployments.get('resizer')!.url();
  const converter = deployments.get('converter')!;

  const dir = realPhotosDir();
  const names = (await readdir(dir)).filter((n) => /\.(jpe?g|png|webp)$/i.test(n)).sort();
  const photos = await loadPhotos(dir, names);
  say(`${photos.length} real photos from ${dir}, ${mib(photos.reduce((a, p) => a + p.bytes.length, 0))}`);

  // Uploads and their fate: every accepted id must end up ready.
  const tally = new Tally();
  const accepted = new Map<string, { name: string; atSeconds: number }>();
  const ready = new Set<string>();
  const failed = new Map<string, string>();
  const pool: string[] = [];
  let uploadsSent = 0;
  const upload = async (n: number) => {
    const photo = photos[n % photos.length]!;
    uploadsSent++;
    const { res, body } = await call(
      tally,
      started,
      { service: 'media', endpoint: 'upload' },
      `${media}/v1/photos`,
      {
        method: 'POST',
        body: photo.bytes,
        headers: { 'content-type': 'application/octet-stream', 'x-photographer': 'Soak Photographer' },
        timeoutMs: 120_000,
      },
    );
    if (res?.status === 201)
      accepted.set((body as { id: string }).id, { name: photo.name, atSeconds: now() });
  };
  const poll = async () => {
    for (const id of accepted.keys()) {
      if (ready.has(id) || failed.has(id)) continue;
      const { res, body } = await call(
        tally,
        started,
        { service: 'media', endpoint: 'status' },
        `${media}/v1/photos/${id}`,
        {
          timeoutMs: 10_000,
        },
      );
      const s = res?.ok ? (body as { status: string; error?: string }) : undefined;
      if (s?.status === 'ready') {
        ready.add(id);
        pool.push(id);
      } else if (s?.status === 'failed') failed.set(id, s.error ?? 'failed');
    }
  };
  const unsettled = () => [...accepted.keys()].filter((id) => !ready.has(id) && !failed.has(id)).length;

  say(`seeding ${SEEDS} photos and waiting for them to be converted`);
  const step = Math.max(1, Math.floor(photos.length / SEEDS));
  await Promise.all(Array.from({ length: SEEDS }, (_, i) => upload(i * step)));
  for (let waited = 0; unsettled() > 0 && waited < 300; waited += 2) {
    await poll();
    await sleep(2000);
  }
  if (pool.length === 0) throw new Error('no seed photo was converted: nothing to resize');

  // Capacity: closed loop, flat out, after a short warm-up that loads the masters.
  let n = 0;
  const capacityTally = new Tally();
  const resize = async (t: Tally) => {
    const { res, ms } = await call(
      t,
      started,
      { service: 'resizer', endpoint: 'resize' },
      resizer + resizeUrl(signingKey, pool, n++),
      {
        timeoutMs: 30_000,
      },
    );
    return { ok: res?.status === 200, ms };
  };
  await closedLoop(3, CAPACITY_CONNECTIONS, () => resize(capacityTally));
  const cap = await closedLoop(CAPACITY_SECONDS, CAPACITY_CONNECTIONS, () => resize(capacityTally));
  const capacity = cap.ok / cap.seconds;
  cap.latencies.sort((a, b) => a - b);
  const rate = capacity * LOAD;
  say(
    `resizer capacity ${capacity.toFixed(1)} req/s (p95 ${percentile(cap.latencies, 95).toFixed(0)} ms); soak at ${rate.toFixed(1)} req/s for ${SECONDS} s`,
  );

  // The soak: open-loop resizes, uploads every UPLOAD_EVERY s, faults on a schedule.
  const soakStart = now();
  const at = (fraction: number) => sleep(Math.max(0, (soakStart + fraction * SECONDS - now()) * 1000));
  const latencies: number[] = [];
  const timeline: Array<Record<string, number>> = [];
  const resizes = openLoop(rate, 256, async () => {
    const { ok, ms } = await resize(tally);
    if (ok) latencies.push(ms);
  });
  const uploads = openLoop(1 / UPLOAD_EVERY, 64, (i) => upload(SEEDS + i));
  let polling = true;
  const poller = (async () => {
    while (polling) {
      await poll();
      await sleep(3000);
    }
  })();
  let last = { ok: 0, sent: 0, shed: 0 };
  const ticker = setInterval(() => {
    const shed = tally.counts.get('resizer resize 503 overloaded') ?? 0;
    const rss = Object.fromEntries(
      [...deployments].map(([k, d]) => [`${k}PeakMiB`, Math.round(d.peakRssBytes / 1024 ** 2)]),
    );
    timeline.push({
      t: Math.round(now() - soakStart),
      sent: resizes.sent - last.sent,
      ok: latencies.length - last.ok,
      shed: shed - last.shed,
      accepted: accepted.size,
      ready: ready.size,
      ...rss,
    });
    last = { ok: latencies.length, sent: resizes.sent, shed };
    const row = timeline.at(-1)!;
    say(
      `resizes sent ${row.sent}/10s ok ${row.ok} shed ${row.shed}; uploads accepted ${row.accepted} ready ${row.ready}`,
    );
  }, 10_000);

  // Each fault starts on its own clock, so a slow one (a broker restart on a busy machine) does not push the others back.
  const faults: Fault[] = [];
  const fault = async (
    fraction: number,
    what: string,
    affects: ServiceName[],
    action: () => Promise<void>,
  ) => {
    await at(fraction);
    const from = now() - soakStart;
    say(`fault: ${what}`);
    await action();
    faults.push({ what, affects, fromSeconds: Math.round(from), toSeconds: Math.round(now() - soakStart) });
    say(`fault over: ${what} (${(now() - soakStart - from).toFixed(1)} s)`);
  };
  const killConverter = async () => {
    await converter.kill();
    await sleep(100);
    await converter.settled();
  };
  let brokerDownSeconds = 0;
  await Promise.all([
    fault(0.2, 'RabbitMQ restarted', ['media', 'converter'], async () => {
      brokerDownSeconds = await infra.restartRabbit();
    }),
    fault(0.35, 'converter SIGKILLed (1/2), restarted after 2 s', ['converter'], killConverter),
    fault(0.5, 'MinIO stopped for 10 s', ['media', 'converter', 'resizer'], async () => {
      await infra.stopMinio();
      await sleep(10_000);
      await infra.startMinio();
    }),
    fault(0.7, 'converter SIGKILLed (2/2), restarted after 2 s', ['converter'], killConverter),
    at(1),
  ]);
  faults.sort((a, b) => a.fromSeconds - b.fromSeconds);
  clearInterval(ticker);
  say('load over; waiting for resizes and uploads in flight');
  await Promise.all([resizes.stop(), uploads.stop()]);
  const soakSeconds = now() - soakStart;
  polling = false;
  await poller;

  say(`draining: waiting up to ${DRAIN_SECONDS} s for ${unsettled()} photos still converting`);
  const drainStart = now();
  while (unsettled() > 0 && now() - drainStart < DRAIN_SECONDS) {
    await poll();
    if (unsettled() > 0) await sleep(3000);
  }
  const drainSeconds = now() - drainStart;
  for (const d of deployments.values()) await d.sample();
  // The resizer's own view (shed, answers by status, time per pipeline step), for reading the run afterwards.
  const resizerAdmin = `http://127.0.0.1:${await deployments.get('resizer')!.adminPort}`;
  const resizerMetrics = (await (await fetch(`${resizerAdmin}/metrics`)).text())
    .split('\n')
    .filter((l) => l.startsWith('enlarger_resizer_') && !l.includes('_bucket{'));

  latencies.sort((a, b) => a - b);
  const errors = classify(tally.serverErrors, faults, soakStart);
  const lost = [...accepted.keys()].filter((id) => !ready.has(id));
  const rss = [...deployments].map(([name, d]) => {
    const limit = pods.find((p) => p.name === name)!.memoryLimitBytes;
    return {
      service: name,
      peakRssBytes: d.peakRssBytes,
      limitBytes: limit,
      withinLimit: limit === undefined || d.peakRssBytes <= limit,
    };
  });
  const crashes = [...deployments.values()].flatMap((d) =>
    d.exits.filter((e) => !e.expected).map((e) => ({ service: d.name, ...e })),
  );
  const result = {
    command: `npx tsx test/soak/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date(started).toISOString(),
    params: {
      seconds: SECONDS,
      load: LOAD,
      capacitySeconds: CAPACITY_SECONDS,
      capacityConnections: CAPACITY_CONNECTIONS,
      uploadEverySeconds: UPLOAD_EVERY,
      seeds: SEEDS,
      drainSeconds: DRAIN_SECONDS,
      photos: photos.length,
    },
    capacity: {
      rps: round(capacity),
      p95Ms: round(percentile(cap.latencies, 95)),
      connections: CAPACITY_CONNECTIONS,
      answers: Object.fromEntries(capacityTally.counts),
    },
    resizer: {
      offeredRps: round(rate),
      sent: resizes.sent,
      skippedAtClientCap: resizes.skipped,
      okRps: round(latencies.length / soakSeconds),
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
      p99Ms: round(percentile(latencies, 99)),
      shed: errors.shed.byKey['resizer resize 503 overloaded'] ?? 0,
    },
    uploads: {
      sent: uploadsSent,
      accepted: accepted.size,
      ready: ready.size,
      failed: Object.fromEntries(failed),
      lost,
      drainSeconds: round(drainSeconds),
    },
    errors,
    answers: Object.fromEntries([...tally.counts].sort()),
    faults,
    brokerDownSeconds: round(brokerDownSeconds),
    rss,
    exits: Object.fromEntries([...deployments].map(([k, d]) => [k, d.exits])),
    recoveries: Object.fromEntries([...deployments].map(([k, d]) => [k, d.recoveries])),
    crashes,
    timeline,
    resizerMetrics,
  };
  const passed =
    lost.length === 0 &&
    errors.nonShed.outsideFaults.total === 0 &&
    crashes.length === 0 &&
    rss.every((r) => r.withinLimit);
  await writeFile(path.join(RUN_DIR, 'soak.json'), `${JSON.stringify({ passed, ...result }, null, 1)}\n`);

  const rows: Array<[string, string | number]> = [
    ['soak', `${SECONDS} s at ${LOAD}× capacity, ${faults.length} faults`],
    [
      'resizer capacity (flat out)',
      `${round(capacity)} req/s, p95 ${round(percentile(cap.latencies, 95))} ms`,
    ],
    [
      'resizer offered / served',
      `${round(rate)} / ${result.resizer.okRps} req/s, p95 ${result.resizer.p95Ms} ms`,
    ],
    ['resizer shed (503 overloaded)', `${result.resizer.shed} of ${resizes.sent}`],
    ['media shed (503 too_many_uploads)', errors.shed.byKey['media upload 503 too_many_uploads'] ?? 0],
    ['uploads sent / accepted / ready', `${uploadsSent} / ${accepted.size} / ${ready.size}`],
    [
      'uploads lost (accepted, not ready)',
      `${lost.length} (failed: ${failed.size}), drained in ${round(drainSeconds)} s`,
    ],
    ['non-shed 5xx during a fault of a dependency (+30 s)', errors.nonShed.duringFaults.total],
    ['non-shed 5xx outside faults', errors.nonShed.outsideFaults.total],
    ...Object.entries(errors.nonShed.duringFaults.byKey).map(([k, v]): [string, number] => [
      `  during: ${k}`,
      v,
    ]),
    ...Object.entries(errors.nonShed.outsideFaults.byKey).map(([k, v]): [string, number] => [
      `  outside: ${k}`,
      v,
    ]),
    ...rss.map((r): [string, string] => [
      `${r.service} peak RSS / pod limit`,
      `${mib(r.peakRssBytes)} / ${mib(r.limitBytes)}`,
    ]),
    ['crashes (unexpected exits)', crashes.length],
    ...[...deployments.values()].flatMap((d) =>
      d.recoveries.map((r): [string, string] => [
        `${d.name} restarted (exit at ${r.exitedAtSeconds} s of the run)`,
        r.readyAfterSeconds === undefined ? 'never ready' : `ready after ${r.readyAfterSeconds} s`,
      ]),
    ),
    ['faults (s into the soak)', faults.map((f) => `${f.what} @${f.fromSeconds}–${f.toSeconds}`).join('; ')],
    ['RabbitMQ AMQP port closed for', `${round(brokerDownSeconds)} s`],
    ['result', passed ? 'PASS' : 'FAIL'],
  ];
  process.stdout.write(`\n${table(rows)}\n\nJSON: ${path.relative(REPO, path.join(RUN_DIR, 'soak.json'))}\n`);
  process.exitCode = passed ? 0 : 1;
} catch (err) {
  say(`aborted: ${(err as Error).stack ?? String(err)}`);
  process.exitCode = 2;
} finally {
  say('stopping the services, RabbitMQ and MinIO');
  await teardown();
  // Load loops and timers of an aborted run would keep the process alive.
  process.exit();
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
