/**
 * `make soak-memory`: does each service's memory stay flat? Media, the
 * converter and the resizer run as separate processes, each with the
 * environment the operator renders for its pod (process settings such as the
 * allocator included), on a RabbitMQ node and a MinIO server of the soak's
 * own (test/soak/infra.ts). For MINUTES they get mixed traffic:
 *  - the fuzz campaign of test/fuzz (seeded, format-aware hostile uploads,
 *    every accepted one followed and its renders signed and fetched);
 *  - a real photo uploaded every few seconds, and renders of those at random
 *    sizes and qualities, two at a time, mostly cache misses;
 *  - hostile resizer requests: bad or missing signatures, absurd sizes,
 *    unknown ids and formats.
 * Each process samples its own RSS, V8 heap, `external` and libvips' tracked
 * memory (probe.js). The report gives, per service, RSS start → warm-up →
 * peak → end, its slope after warm-up in MiB/hour, and the peak against the
 * pod's memory limit. Each service runs in a memory cgroup of its own with its
 * pod's limit (test/support/memory-cgroup.ts), so a service that outgrows its
 * pod is OOM-killed here as it would be there; --no-cgroup only reads the
 * peak against the limit. --env KEY=VALUE (repeatable) sets a variable on
 * every service, to compare process settings such as the allocator under
 * the same traffic. It exits non-zero when a slope is over --max-slope,
 * a peak is over the limit, a process died, an upload was lost or a
 * non-overload 5xx came back.
 *
 *   npx tsx bench/memory/soak.ts --minutes 30 --warm-up 10 [--seed 31] [--max-slope 50] [--port-base 5793]
 *     [--no-cgroup] [--env LD_PRELOAD=… --env MALLOC_CONF=…]
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { S3Storage } from '../../lib/storage/s3-storage.js';
import { signPath } from '../../services/resizer/request/signature.js';
import { runCampaign, summary } from '../../test/fuzz/campaign.js';
import { settle } from '../../test/fuzz/dev-target.js';
import { makeSeeds } from '../../test/fuzz/seeds.js';
import { realPhotosDir } from '../../test/support/photos.js';
import { buildCli } from '../../test/support/processes.js';
import { Rng } from '../../test/fuzz/rng.js';
import { Deployment } from '../../test/soak/deployment.js';
import { SoakInfra } from '../../test/soak/infra.js';
import { defaultPods, type ServiceName } from '../../test/soak/platform.js';
import { loadPhotos } from '../../test/soak/traffic.js';
import { probeEnv, readSamples } from './probe.js';
import { MEMORY_TABLE_HEADER, memoryRow } from './report.js';
import { cacheFills, resizerCacheCaps, sampleCaches } from './caches.js';
import { slopeVerdict, summarise } from '../../test/support/stats.js';
import { loadResizerConfig } from '../../services/resizer/config.js';
import { MemoryCgroup } from '../../test/support/memory-cgroup.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    'warm-up': { type: 'string', default: '10' },
    seed: { type: 'string', default: '31' },
    'max-slope': { type: 'string', default: '50' },
    'upload-every': { type: 'string', default: '5' },
    // First of five ports for its RabbitMQ and MinIO, away from `make deps` (5672, 9000) and `make soak`.
    'port-base': { type: 'string', default: '5793' },
    'no-cgroup': { type: 'boolean', default: false },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const EXTRA_ENV = Object.fromEntries(
  args.env.map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--env wants KEY=VALUE, got ${pair}`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);
const MINUTES = Number(args.minutes);
const WARM_UP_SECONDS = Number(args['warm-up']) * 60;
const MAX_SLOPE = Number(args['max-slope']);
const UPLOAD_EVERY_MS = Number(args['upload-every']) * 1000;
const PORT_BASE = Number(args['port-base']);

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// One directory per port base, so that two soaks (one setting against another) can run side by side.
const RUN_DIR = path.join(REPO, '.run/soak-memory', String(PORT_BASE));
const started = Date.now();
const elapsed = () => (Date.now() - started) / 1000;
const say = (msg: string) =>
  process.stderr.write(`[soak-memory ${elapsed().toFixed(0).padStart(4)}s] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

await mkdir(RUN_DIR, { recursive: true });
// Ports and node name of its own, away from `make soak`'s, so the two can run at once.
const infra = new SoakInfra(
  REPO,
  RUN_DIR,
  {
    amqp: PORT_BASE,
    rabbitDist: PORT_BASE + 1,
    management: PORT_BASE + 2,
    minio: PORT_BASE + 3,
    minioConsole: PORT_BASE + 4,
  },
  `enlarger-soak-memory-${PORT_BASE}`,
);
const signingKey = randomBytes(24).toString('base64url');
const suffix = Math.random().toString(36).slice(2, 8);
const pods = defaultPods(infra, `soak-memory-${suffix}`, `soak-memory.convert.${suffix}`, signingKey);
const deployments = new Map<ServiceName, Deployment>();
// The caps as the resizer itself parses them from its pod's environment.
const resizerCaps = resizerCacheCaps(loadResizerConfig(pods.find((p) => p.name === 'resizer')!.env));
const probeFile = (name: string) => path.join(RUN_DIR, `${name}.jsonl`);
const cgroups = new Map<ServiceName, MemoryCgroup>();

async function teardown(): Promise<void> {
  for (const d of deployments.values()) await d.stop().catch(() => undefined);
  for (const c of cgroups.values()) await c.remove();
  await infra.down();
}
process.once('SIGINT', () => void teardown().finally(() => process.exit(130)));

say(`building dist/ and starting RabbitMQ and MinIO of the soak's own; load ${load()}`);
await Promise.all([buildCli(), infra.up()]);
let failed = false;
try {
  const storage = new S3Storage({
    bucket: pods[0]!.env.S3_BUCKET!,
    endpoint: infra.s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: infra.s3.accessKeyId, secretAccessKey: infra.s3.secretAccessKey },
  });
  await storage.ensureBucket();
  storage.destroy();
  for (const pod of pods) {
    await rm(probeFile(pod.name), { force: true });
    const env = { ...pod.env, ...EXTRA_ENV, ...probeEnv(probeFile(pod.name), 5000, undefined) };
    let wrap: ((argv: string[]) => string[]) | undefined;
    if (!args['no-cgroup'] && pod.memoryLimitBytes) {
      const made = await MemoryCgroup.create(
        `enlarger-soak-memory-${suffix}-${pod.name}`,
        pod.memoryLimitBytes,
      );
      if (!made.cgroup)
        throw new Error(`no memory cgroup for ${pod.name} (--no-cgroup to run without): ${made.reason}`);
      cgroups.set(pod.name, made.cgroup);
      wrap = (argv) => made.cgroup.wrap(argv);
    }
    const d = new Deployment(pod.name, env, path.join(RUN_DIR, `${pod.name}.log`), REPO, started, 2000, wrap);
    deployments.set(pod.name, d);
    await d.start();
  }
  const peaks = setInterval(() => void Promise.all([...deployments.values()].map((d) => d.sample())), 1000);
  // The resizer's caches by its own gauge: RSS that follows them is the caches filling to their caps, not a leak.
  const resizerAdmin = `http://127.0.0.1:${await deployments.get('resizer')!.adminPort}`;
  const caches = sampleCaches(resizerAdmin, elapsed);
  const media = await deployments.get('media')!.url();
  const resizer = await deployments.get('resizer')!.url();
  const deadline = started + MINUTES * 60_000;
  const readyIds: string[] = [];
  const renderPath = (id: string, w: number) => {
    if (!readyIds.includes(id)) readyIds.push(id);
    return signPath(signingKey, `/v1/photos/${id}?w=${w}`);
  };
  const death = () =>
    [...deployments.values()].flatMap((d) => d.exits.map((e) => `${d.name} ${e.signal ?? e.code}`))[0];
  const counts: Record<string, number> = {};
  const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  const fetchCounted = async (what: string, url: string, init?: RequestInit) => {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(120_000) }).catch(() => undefined);
    count(`${what} ${res?.status ?? 'no answer'}`);
    return res;
  };

  // Real photos, large ones included: the decodes that leave the allocator the most to hold.
  const photos = await loadPhotos(
    realPhotosDir(),
    (await readdir(realPhotosDir())).filter((n) => /\.(jpe?g|png|webp)$/i.test(n)).sort(),
  );
  const rng = new Rng(Number(args.seed) + 1);
  const validLoop = async () => {
    for (let n = 0; Date.now() < deadline && !death(); n++) {
      const photo = photos[n % photos.length]!;
      const res = await fetchCounted('valid upload', `${media}/v1/photos`, {
        method: 'POST',
        body: photo.bytes,
      });
      const id = res?.status === 201 ? ((await res.json()) as { id: string }).id : undefined;
      const settled = id ? await settle(media, id, 120_000) : undefined;
      count(`valid upload then ${settled?.status ?? (id ? 'lost' : 'refused')}`);
      if (settled?.status === 'ready') {
        realIds.push(id!);
        for (let i = 0; i < 3; i++) {
          const query = `w=${rng.int(2400) + 100}&fmt=${rng.pick(['jpeg', 'webp', 'avif'])}`;
          await (
            await fetchCounted(
              'valid render',
              `${resizer}${signPath(signingKey, `/v1/photos/${id}?${query}`)}`,
            )
          )?.arrayBuffer();
        }
      }
      await sleep(UPLOAD_EVERY_MS);
    }
  };
  // Renders of the real photos, mostly cache misses, two at a time: they fill the resizer's caches to
  // their caps within the warm-up, so what follows it is the steady state, not caches still filling.
  const realIds: string[] = [];
  const validRenders = async () => {
    while (Date.now() < deadline && !death()) {
      if (!realIds.length) {
        await sleep(1000);
        continue;
      }
      const query = `w=${rng.int(2500) + 100}&fmt=${rng.pick(['jpeg', 'webp'])}&q=${rng.int(46) + 50}`;
      const url = signPath(signingKey, `/v1/photos/${rng.pick(realIds)}?${query}`);
      await (await fetchCounted('valid render', `${resizer}${url}`))?.arrayBuffer();
    }
  };
  const hostileRenders = async () => {
    const fmts = ['jpeg', 'webp', 'avif', 'png', 'bmp', 'gif'];
    for (let n = 0; Date.now() < deadline && !death(); n++) {
      const id = readyIds.length ? rng.pick(readyIds) : '01HZZZZZZZZZZZZZZZZZZZZZZZ';
      const kind = n % 6;
      const url =
        kind === 0
          ? `/v1/photos/${id}?w=400&s=not-a-signature`
          : kind === 1
            ? `/v1/photos/${id}?w=${rng.int(2048) + 1}`
            : kind === 2
              ? signPath(signingKey, `/v1/photos/${id}?w=${[0, -5, 100000, 1e9][rng.int(4)]}`)
              : kind === 3
                ? signPath(signingKey, `/v1/photos/${randomBytes(8).toString('hex')}?w=300`)
                : kind === 4
                  ? signPath(
                      signingKey,
                      `/v1/photos/${id}?w=${rng.int(1600) + 1}&fmt=${rng.pick(fmts)}&q=${rng.int(120)}`,
                    )
                  : signPath(
                      signingKey,
                      `/v1/photos/${id}?w=${rng.int(3000) + 1}&h=${rng.int(3000) + 1}&fit=${rng.pick(['cover', 'contain', 'fill', 'inside', 'bogus'])}`,
                    );
      await (await fetchCounted('hostile render', `${resizer}${url}`))?.arrayBuffer();
      await sleep(200);
    }
  };

  say(
    `traffic for ${MINUTES} min; pods: ${pods.map((p) => `${p.name} limit ${p.memoryLimitBytes}`).join(', ')}`,
  );
  const [campaign] = await Promise.all([
    runCampaign(
      await makeSeeds(),
      { media, resizer, renderPath, death, rss: () => deployments.get('media')!.sample() },
      { seed: Number(args.seed), cases: 1e9, minutes: MINUTES, concurrency: 2, settleMs: 120_000 },
    ),
    validLoop(),
    validRenders(),
    validRenders(),
    hostileRenders(),
  ]);
  clearInterval(peaks);
  caches.stop();
  const endLoad = load();

  const rows = [];
  for (const pod of pods) {
    const samples = await readSamples(probeFile(pod.name));
    const rss = summarise(samples, 'rss', WARM_UP_SECONDS);
    const limitMiB = pod.memoryLimitBytes ? pod.memoryLimitBytes / 1024 ** 2 : undefined;
    const peakMiB = Math.round(deployments.get(pod.name)!.peakRssBytes / 1024 ** 2);
    const verdict = slopeVerdict(rss.slopePerHour, rss.slopeCi95PerHour, MAX_SLOPE);
    const flat = verdict === 'flat';
    const underLimit = limitMiB === undefined || peakMiB <= limitMiB;
    const oomKills = (await cgroups.get(pod.name)?.oomKills()) ?? 0;
    failed ||= !flat || !underLimit || oomKills > 0;
    rows.push({
      service: pod.name,
      rss,
      peakMiB,
      limitMiB,
      flat,
      verdict,
      underLimit,
      limitEnforced: cgroups.has(pod.name),
      oomKills,
      row: memoryRow(pod.name, samples, WARM_UP_SECONDS),
    });
  }
  const cacheFigures = caches.samples.length
    ? summarise(caches.samples, 'caches', WARM_UP_SECONDS)
    : undefined;
  const fills = cacheFills(caches.samples, resizerCaps);
  const report = {
    minutes: MINUTES,
    warmUpSeconds: WARM_UP_SECONDS,
    endLoad,
    counts,
    campaign: summary(campaign),
    rows,
    resizerCachesMiB: cacheFigures,
    resizerCacheFills: fills,
  };
  await writeFile(path.join(RUN_DIR, 'soak-memory.json'), JSON.stringify(report, null, 2));
  failed ||= campaign.lost.length > 0 || campaign.serverErrors.length > 0 || !!campaign.death;
  failed ||= Object.keys(counts).some((k) => / (5\d\d|no answer|lost)$/.test(k) && !/ 503$/.test(k));

  console.log(
    `\n${new Date().toISOString()}: ${MINUTES} min, warm-up ${WARM_UP_SECONDS / 60} min, load at the end ${endLoad}`,
  );
  console.log(
    `limits ${cgroups.size ? 'enforced by a memory cgroup per service' : 'read, not enforced (--no-cgroup)'}; ` +
      `environment added: ${JSON.stringify(EXTRA_ENV)}`,
  );
  console.log(
    `fuzz cases ${campaign.cases}, lost ${campaign.lost.length}, non-overload 5xx ${campaign.serverErrors.length}, death ${campaign.death ?? 'none'}`,
  );
  console.log(`other requests: ${JSON.stringify(counts)}\n`);
  console.log(MEMORY_TABLE_HEADER);
  for (const r of rows) console.log(r.row);
  console.log('');
  for (const r of rows) {
    console.log(
      `${r.service}: peak (VmHWM) ${r.peakMiB} MiB of its pod's ${r.limitMiB ?? 'unlimited'} MiB` +
        `${r.underLimit ? '' : ' (OVER)'}${r.limitEnforced ? `, OOM kills ${r.oomKills}` : ''}; RSS slope after warm-up ${r.rss.slopePerHour} ± ${r.rss.slopeCi95PerHour} MiB/h ` +
        `(95 % CI): ${r.verdict} against --max-slope ${MAX_SLOPE}`,
    );
  }
  if (cacheFigures) {
    const c = cacheFigures;
    const rss = rows.find((r) => r.service === 'resizer')!.rss;
    console.log(
      `resizer's output + source caches: ${c.start} → ${c.atWarmUp} → ${c.peak} → ${c.end} MiB, ` +
        `slope ${c.slopePerHour} MiB/h; its RSS less the caches: ${rss.slopePerHour - c.slopePerHour} MiB/h`,
    );
  }
  for (const f of fills) {
    console.log(
      `resizer ${f.cache} cache: cap ${f.capMiB} MiB, ` +
        (f.filledAtSeconds === undefined
          ? `never reached 95 % of it (peak ${f.peakMiB} MiB)`
          : `reached 95 % of it at ${Math.round(f.filledAtSeconds / 60)} min (warm-up ${WARM_UP_SECONDS / 60} min)`),
    );
  }
  console.log(failed ? '\nFAIL' : '\nPASS');
} finally {
  await teardown();
}
process.exitCode = failed ? 1 : 0;
