/**
 * One row of `make bench-peers`: drives one server with one photo and prints
 * a JSON line.
 *
 *   node drive.js <server> <base-url|-> <data-dir> <photo-id> <label> <seconds> [pids] [source]
 *
 * - Flat out: 4 connections, each sending its next request as soon as the
 *   last is answered, for `seconds`.
 * - Then open loop at half of that rate: one request every 1/rate s whether
 *   or not earlier ones have finished, for `seconds`.
 * - Every request asks a new width (160–1600 px) at q80, as JPEG or as
 *   FORMAT (`webp`, `avif`); 1 answer in SAMPLE is kept and checked as that
 *   format at the asked width.
 * - `pids` (comma-separated) are the server's processes: their CPU time
 *   over the flat-out phase, per answered request, is reported, and so is
 *   this process's own (the load generator's share of the same cores).
 * - `source`: `picked` (default) has the peer read the stored file
 *   Enlarger's pick-source step chooses for that width; `original` the
 *   uploaded original.
 * - `server` = `sharp`: no HTTP; sharp in this process on the picked files,
 *   2 at a time, flat out only, as the physical limit.
 * - `server` = `floor`: no HTTP; Enlarger's render pipeline in this process
 *   (watermark on, as `enlarger-wm`), one render at a time, flat out only:
 *   its p95 is the floor under any p95 the service can show at any load.
 *   RESIZER_VIPS_THREADS sets its libvips threads per render, as the
 *   service's setting does.
 * - `server` = `browsers`: Enlarger with `fmt=auto`, the Accept headers of
 *   current browsers and srcset widths at DPR 1–3 (`browsers.ts`); latency
 *   is also reported per negotiated format. `browsers-bg`: the same against
 *   a resizer with RESIZER_AVIF_BACKGROUND on.
 * - HALF_RATE (req/s), when set, replaces half the flat-out rate for the open loop.
 * - BUILD, when set, names which build of the server answered (e.g. a
 *   BEFORE commit's resizer beside this tree's) and goes into the row.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { photoKeys } from '../../lib/photos/keys.js';
import { readManifest } from '../../lib/photos/records.js';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { parseRequest } from '../../services/resizer/request/parse.js';
import { pickSource } from '../../services/resizer/render/pick-source.js';
import { measure } from '../resizer/measure.js';
import { inProcessResizer, warmUp } from '../resizer/in-process-service.js';
import { percentile } from '../../test/support/stats.js';
import { browserRequest, sniffFormat } from './browsers.js';
import { cpuSeconds } from './cpu.js';
import {
  checkAnswer,
  mixWidth,
  PEER_FORMATS,
  peerPath,
  SERVERS,
  type PeerFormat,
  type PeerRequest,
  type Server,
} from './urls.js';

const [serverArg, base, dataDir, photoId, photo, secondsArg, pidsArg, sourceArg] = process.argv.slice(2);
const server = serverArg as Server | 'sharp' | 'floor' | 'browsers' | 'browsers-bg';
/** The browser mix, against a resizer with or without RESIZER_AVIF_BACKGROUND. */
const mix = server === 'browsers' || server === 'browsers-bg';
if (
  !serverArg ||
  !base ||
  !dataDir ||
  !photoId ||
  !photo ||
  !secondsArg ||
  ![...SERVERS, 'sharp', 'floor', 'browsers', 'browsers-bg'].includes(server)
) {
  throw new Error(
    'usage: drive.js <server> <base-url|-> <data-dir> <photo-id> <label> <seconds> [pids] [source]',
  );
}
const seconds = Number(secondsArg);
const pids = (pidsArg ?? '').split(',').filter(Boolean).map(Number);
const source = sourceArg === 'original' ? 'original' : 'picked';
const QUALITY = 80;
const format = (process.env.FORMAT || 'jpeg') as PeerFormat;
if (!PEER_FORMATS.includes(format))
  throw new Error(`FORMAT must be one of ${PEER_FORMATS.join(', ')}, got "${format}"`);
const CONNECTIONS = 4;
const SAMPLE = 8;

const storage = new FsStorage(dataDir);
const manifest = await readManifest(storage, photoId);
if (!manifest) throw new Error(`no photo ${photoId} in ${dataDir}`);
const sourceKeys = new Map<number, string>();
/** The n-th request of the mix, with the file the peer should read for it. */
function request(n: number): PeerRequest {
  const width = mixWidth(n);
  let sourceKey = sourceKeys.get(width);
  if (!sourceKey) {
    const parsed = parseRequest(photoId!, new URLSearchParams({ w: String(width), fmt: 'jpeg' }), {
      maxDimension: 8192,
      watermarkOptOut: true,
    });
    sourceKey = source === 'original' ? photoKeys(photoId!).original : pickSource(manifest!, parsed).key;
    sourceKeys.set(width, sourceKey);
  }
  return { photoId: photoId!, sourceKey, width, format, quality: QUALITY };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const statuses: Record<string, number> = {};
const problems: string[] = [];
let checked = 0;

/** Latencies of 200s by the format the server answered with (the browser mix negotiates it). */
const byFormat = new Map<string, number[]>();

/** One request over HTTP; resolves with its latency in ms if it was a 200. */
function send(n: number, phase: 'warm' | 'flat' | 'half' = 'flat'): Promise<number | undefined> {
  let path: string;
  let asked: number;
  const headers: Record<string, string> = {};
  if (mix) {
    const b = browserRequest(photoId!, n);
    ({ path } = b);
    asked = b.width;
    headers.accept = b.accept;
  } else {
    const r = request(n);
    path = peerPath(server as Server, r);
    asked = r.width;
  }
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.get(new URL(path, base), { agent, headers }, (res) => {
      const status = res.statusCode ?? 0;
      statuses[status] = (statuses[status] ?? 0) + 1;
      const keep = status === 200 && n % SAMPLE === 0;
      const chunks: Buffer[] = [];
      if (keep) res.on('data', (c: Buffer) => chunks.push(c));
      else res.resume();
      res.on('end', () => {
        const latency = performance.now() - started;
        const format = (res.headers['content-type'] ?? '?').replace('image/', '');
        if (keep) void check(Buffer.concat(chunks), asked, format);
        if (status === 200 && mix && phase !== 'warm') {
          const key = `${phase}|${format}`;
          byFormat.set(key, [...(byFormat.get(key) ?? []), latency]);
        }
        resolve(status === 200 ? latency : undefined);
      });
    });
    req.on('error', () => {
      statuses.error = (statuses.error ?? 0) + 1;
      resolve(undefined);
    });
  });
}

async function check(body: Buffer, asked: number, contentType: string): Promise<void> {
  checked++;
  const width = await sharp(body)
    .metadata()
    .then((m) => m.width)
    .catch(() => undefined);
  let problem: string | undefined;
  if (mix) {
    // fmt=auto: the body must be what Content-Type says; the width may be capped (source size, AVIF pixels).
    const format = sniffFormat(body);
    if (format !== contentType) problem = `body is ${format ?? '?'}, Content-Type ${contentType}`;
    else if (!width || width > asked) problem = `width ${width ?? '?'}, asked ${asked}`;
  } else {
    problem = checkAnswer(body, width, asked, format);
  }
  if (problem) problems.push(problem);
}

/** `workers` loops, each sending its next request when the last is answered. */
async function flatOut(
  workers: number,
  forSeconds: number,
  work: (n: number) => Promise<number | undefined>,
) {
  const latencies: number[] = [];
  let n = 0;
  const until = performance.now() + forSeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < until) {
        const latency = await work(n++);
        if (latency !== undefined) latencies.push(latency);
      }
    }),
  );
  return { latencies, elapsed: (performance.now() - started) / 1000, next: n };
}

/** One request every 1/rate s, whatever is still in flight. */
async function openLoop(rate: number, first: number) {
  const latencies: number[] = [];
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    inFlight.push(send(first + i, 'half').then((l) => void (l !== undefined && latencies.push(l))));
  }
  await Promise.all(inFlight);
  return latencies;
}

const round = (v: number) => Math.round(v * 10) / 10;
const summary = (latencies: number[]) => {
  latencies.sort((a, b) => a - b);
  return { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)) };
};

const label = { server, photo, source, format, ...(process.env.BUILD && { build: process.env.BUILD }) };
if (server === 'sharp') {
  sharp.concurrency(1);
  sharp.cache(false);
  const files = new Map<string, Buffer>();
  const flat = await flatOut(2, seconds, async (n) => {
    const r = request(n);
    let bytes = files.get(r.sourceKey);
    if (!bytes) files.set(r.sourceKey, (bytes = await readFile(path.join(dataDir, r.sourceKey))));
    const started = performance.now();
    await sharp(bytes).resize({ width: r.width }).jpeg({ quality: r.quality }).toBuffer();
    return performance.now() - started;
  });
  const rps = round(flat.latencies.length / flat.elapsed);
  process.stdout.write(`${JSON.stringify({ ...label, rps, flat: summary(flat.latencies) })}\n`);
} else if (server === 'floor') {
  const { config, renderUrl } = inProcessResizer(dataDir);
  const renderNth = (n: number) => renderUrl(peerPath('enlarger-wm', request(n)));
  await warmUp(renderNth);
  const lone = await measure(seconds, 1, renderNth);
  const threads = `${config.vipsThreads} libvips thread${config.vipsThreads === 1 ? '' : 's'}`;
  process.stdout.write(
    `${JSON.stringify({ ...label, build: threads, rps: lone.perSecond, flat: { p50: lone.p50, p95: lone.p95 } })}\n`,
  );
} else {
  // A short warm-up so one-off costs (first file reads, JIT) are not in the figures.
  await flatOut(CONNECTIONS, 2, (n) => send(1_000_000 + n, 'warm'));
  const cpuBefore = await cpuSeconds(pids);
  const ownBefore = process.cpuUsage();
  const flat = await flatOut(CONNECTIONS, seconds, (n) => send(n));
  const cpu = (await cpuSeconds(pids)) - cpuBefore;
  // This process shares the two cores with the server: what the load costs, beside what the server spends.
  const own = process.cpuUsage(ownBefore);
  const rps = flat.latencies.length / flat.elapsed;
  // HALF_RATE (req/s) puts two servers at one open-loop rate, where their own halves would differ.
  const halfRate = Number(process.env.HALF_RATE) || Math.max(1, rps / 2);
  const half = await openLoop(halfRate, flat.next);
  await new Promise((r) => setTimeout(r, 200)); // let the last sampled checks finish
  process.stdout.write(
    `${JSON.stringify({
      ...label,
      rps: round(rps),
      flat: summary(flat.latencies),
      halfRate: round(halfRate),
      half: summary(half),
      cpuMsPerRequest: pids.length > 0 ? round((cpu * 1000) / flat.latencies.length) : undefined,
      driverCpuMsPerRequest: round((own.user + own.system) / 1000 / flat.latencies.length),
      ...(mix && {
        formats: Object.fromEntries(
          [...byFormat].map(([key, latencies]) => [key, { n: latencies.length, ...summary(latencies) }]),
        ),
      }),
      checked,
      problems: problems.slice(0, 5),
      bad: problems.length,
      statuses,
    })}\n`,
  );
}
agent.destroy();
