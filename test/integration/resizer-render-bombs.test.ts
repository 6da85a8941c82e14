import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsStorage } from '../../lib/storage/fs-storage.js';
import { resizerMemoryPlan } from '../../services/resizer/memory-plan.js';
import { buildCli, freePort, killAndWait, metricValue, spawnCli } from '../support/processes.js';
import {
  bigNoisyJpeg,
  cpuSeconds,
  peakRss,
  storeOriginalOnly,
  tinyLosslessWebp,
} from '../support/render-bombs.js';
import { eventually } from '../support/wait.js';

/**
 * Issue 10 item 1: one URL must not keep a resizer busy past its deadline
 * nor push it past its pod's memory limit. A real `enlarger resizer` process
 * with the operator's defaults (1 GiB limit, 10 s deadline) gets each attack;
 * its peak RSS (VmHWM) and every answer's time are measured.
 */
const MEMORY_LIMIT = 1024 ** 3;
const DEADLINE_MS = 10_000;
const PLAN = resizerMemoryPlan(MEMORY_LIMIT);

let child: ChildProcess;
let base: string;
let dataDir: string;
const ids: Record<'jpeg' | 'webp' | 'ordinary', string> = { jpeg: '', webp: '', ordinary: '' };
const children: ChildProcess[] = [];

/** `enlarger resizer` as its own process on the seeded data, with what the operator renders plus `env`. */
async function startResizerProcess(env: Record<string, string> = {}) {
  const port = await freePort();
  const adminPort = await freePort();
  const proc = spawnCli('resizer', {
    STORAGE_KIND: 'fs',
    DATA_DIR: dataDir,
    RESIZER_PORT: String(port),
    RESIZER_ADMIN_PORT: String(adminPort),
    RESIZER_HOST: '127.0.0.1',
    RESIZER_DEADLINE_MS: String(DEADLINE_MS),
    // What the operator renders for the CRD's default 1 GiB limit: caches and render budget of one plan.
    RESIZER_OUTPUT_CACHE_BYTES: String(PLAN.outputCacheBytes),
    RESIZER_SOURCE_CACHE_BYTES: String(PLAN.sourceCacheBytes),
    RESIZER_OVERLAY_CACHE_BYTES: String(PLAN.overlayCacheBytes),
    RESIZER_RENDER_MEMORY_BYTES: String(PLAN.renderBytes),
    LOG_LEVEL: 'warn',
    ...env,
  });
  children.push(proc);
  const url = `http://127.0.0.1:${port}`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  await eventually(async () => (await fetch(`${adminUrl}/healthz`).catch(() => undefined))?.ok, {
    timeoutMs: 20_000,
    what: 'the resizer to listen',
  });
  return { process: proc, url, adminUrl };
}

beforeAll(async () => {
  await buildCli();
  dataDir = await mkdtemp(path.join(tmpdir(), 'resizer-bombs-'));
  const storage = new FsStorage(dataDir);
  ids.jpeg = (await storeOriginalOnly(storage, await bigNoisyJpeg(16_000, 9_000), 'jpeg')).id;
  ids.webp = (await storeOriginalOnly(storage, await tinyLosslessWebp(12_000, 12_000), 'webp')).id;
  ids.ordinary = (await storeOriginalOnly(storage, await bigNoisyJpeg(1600, 900), 'jpeg')).id;
  ({ process: child, url: base } = await startResizerProcess());
}, 300_000);

afterAll(async () => {
  for (const c of children) await killAndWait(c, 'SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function timed(pathAndQuery: string, headers: Record<string, string> = {}, origin = base) {
  const started = performance.now();
  // Give up a little after the bound, so an unbounded render fails the test instead of hanging it.
  const signal = AbortSignal.timeout(DEADLINE_MS + 5_000);
  try {
    const res = await fetch(origin + pathAndQuery, { headers, signal });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  } catch (err) {
    if (signal.aborted) return { status: 0, ms: performance.now() - started };
    throw err;
  }
}

describe('resizer render bombs', () => {
  const attacks: [string, () => string, Record<string, string>][] = [
    ['16000×9000 JPEG as 8192 px AVIF', () => `/v1/photos/${ids.jpeg}?w=8192&fmt=avif`, {}],
    [
      '16000×9000 JPEG, fmt=auto, a browser that accepts AVIF',
      () => `/v1/photos/${ids.jpeg}?w=8000`,
      { accept: 'image/avif,image/webp,*/*' },
    ],
    ['12000×12000 lossless WebP as 8192 px AVIF', () => `/v1/photos/${ids.webp}?w=8192&fmt=avif`, {}],
    ['12000×12000 lossless WebP as 8192 px WebP', () => `/v1/photos/${ids.webp}?w=8192&h=8192&fmt=webp`, {}],
  ];

  it.each(attacks)(
    '%s: answered within deadline + 1 s, under the memory limit',
    async (_name, url, headers) => {
      const { status, ms } = await timed(url(), headers);
      const peak = await peakRss(child.pid!);
      console.log(
        `${_name}: ${status} in ${Math.round(ms)} ms, peak RSS ${Math.round(peak / 1024 ** 2)} MiB`,
      );
      expect(ms).toBeLessThan(DEADLINE_MS + 1000);
      expect(peak).toBeLessThan(MEMORY_LIMIT);
    },
  );

  it('two bombs at once leave room for a request for another photo', async () => {
    // A process of its own: what is tested is room in the render memory budget. In the shared
    // process the renders above (2.5–10 s each on a loaded machine) leave the render-time average
    // at ~5 s, and admission, which judges every request by that one average, sheds the small
    // request in a few ms as one that could not finish behind two 5 s renders, whatever memory is
    // left (measured: 503 in 9 ms with 96 of 243 MiB held).
    const own = await startResizerProcess();
    const bombs = [
      timed(`/v1/photos/${ids.jpeg}?w=8000&fmt=avif&q=54`, {}, own.url),
      timed(`/v1/photos/${ids.webp}?w=8000&fmt=avif&q=54`, {}, own.url),
    ];
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Both are admitted and counted against the render memory budget while they run.
    const held = await metricValue(own.adminUrl, 'enlarger_resizer_render_memory_bytes');
    const small = await timed(`/v1/photos/${ids.ordinary}?w=320&fmt=jpeg`, {}, own.url);
    const answered = await Promise.all(bombs);
    const peak = await peakRss(own.process.pid!);
    console.log(
      `two bombs: ${answered.map((a) => `${a.status} in ${Math.round(a.ms)} ms`).join(', ')}; ` +
        `small: ${small.status} in ${Math.round(small.ms)} ms; ` +
        `render memory held ${Math.round((held ?? 0) / 1024 ** 2)} MiB; peak RSS ${Math.round(peak / 1024 ** 2)} MiB`,
    );
    expect(held).toBeGreaterThan(0);
    for (const a of answered) expect(a.ms).toBeLessThan(DEADLINE_MS + 1000);
    expect(small.status).toBe(200);
    expect(small.ms).toBeLessThan(DEADLINE_MS + 1000);
    expect(peak).toBeLessThan(MEMORY_LIMIT);
  });

  it('cuts a render off at its deadline and stops the libvips work', async () => {
    // A 2 s deadline against a ~20 MP WebP encode of noise, which takes several seconds on one thread.
    const short = await startResizerProcess({ RESIZER_DEADLINE_MS: '2000' });
    const { status, ms } = await timed(`/v1/photos/${ids.jpeg}?w=6000&fmt=webp`, {}, short.url);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cpuAfterAnswer = await cpuSeconds(short.process.pid!);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const idle = (await cpuSeconds(short.process.pid!)) - cpuAfterAnswer;
    console.log(
      `webp 6000 px, 2 s deadline: ${status} in ${Math.round(ms)} ms; CPU in the 1.5 s after: ${idle.toFixed(2)} s`,
    );
    expect(status).toBe(503);
    expect(ms).toBeLessThan(2000 + 1000);
    // Nothing left running: libvips was stopped, not merely answered around.
    expect(idle).toBeLessThan(0.2);
  });
});
